"""Official report documents (issue 8): the annual report and the final report of a plan,
built from the indicator engine, the target evaluation and the budget summary only, laid out
in the form of Nghị định 30/2020/NĐ-CP as .docx, .pdf (LibreOffice converts the .docx) and
.xlsx, and kept in a register so that each can be regenerated identically."""
