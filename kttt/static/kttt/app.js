// The pages' few behaviours, in a file of their own: the Content-Security-Policy allows no
// inline script nor on*= attribute (kttt/settings.py, CONTENT_SECURITY_POLICY).

// "Sao chép" (data-copy="ID"): copies an element's text (the narrative) to the clipboard,
// then shows data-done on the button. Without it the text is still there to select by hand.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button || !navigator.clipboard) return;
  var text = document.getElementById(button.dataset.copy).innerText;
  navigator.clipboard.writeText(text).then(function () {
    button.textContent = button.dataset.done;
  });
});

// data-select-on-focus: a one-time link or an API key shown once is selected whole when
// focused, ready to copy.
document.addEventListener("focusin", function (event) {
  if (event.target.matches && event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});
