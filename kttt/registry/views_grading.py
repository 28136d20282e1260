"""The grading rules an administrator records (issue 8; kttt.registry.grading): the list,
a new rule, a rule changed. Saving re-attaches the graded yearly rows to the rule in force
on their year's grading date, and says how many moved."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kttt.access.registry import access_grading_rule, may_manage_grading_rules
from kttt.access.scope import require
from kttt.registry.forms import GradingRuleForm
from kttt.registry.grading import grading_date, save_grading_rule
from kttt.registry.models import GradingRule
from kttt.web import Guard, conflict_status, saved
from kttt.web.versions import when


@login_required
def grading_rule_list(request: HttpRequest) -> HttpResponse:
    require(may_manage_grading_rules(request))
    rules = list(GradingRule.objects.select_related("updated_by").order_by("-valid_from"))
    context = {"rules": rules, "grading_day": grading_date(2000).strftime("%d/%m")}
    return render(request, "registry/grading_rule_list.html", context)


def last_saved(rule: GradingRule) -> str:
    """Who saved the rule last and when (the rule keeps both), for a conflict's message."""
    who = (
        rule.updated_by.get_full_name() or rule.updated_by.get_username() if rule.updated_by else ""
    )
    if not who:
        return _("Quy định này đã được sửa lúc %(at)s sau khi bạn đọc.") % {
            "at": when(rule.updated_at)
        }
    return _("Quy định này đã được %(who)s sửa lúc %(at)s sau khi bạn đọc.") % {
        "who": who,
        "at": when(rule.updated_at),
    }


def _form_page(request: HttpRequest, rule: GradingRule | None) -> HttpResponse:
    guard = Guard(rule, GradingRuleForm.initial_for, last_saved) if rule else None
    initial = guard.initial if guard else GradingRuleForm.initial_for(None)
    form = GradingRuleForm(request.POST or None, initial=initial)
    if guard:
        guard.track(form)
    done: list[int] = []

    def write() -> None:
        done.append(save_grading_rule(values=form.values(), rule=rule, user=request.user)[1])

    if saved(form, write, guard=guard):
        messages.success(
            request,
            _("Đã lưu quy định xếp loại. %(n)s dòng số liệu năm được gắn lại quy định xếp loại.")
            % {"n": done[0]},
        )
        return redirect("registry:grading_rule_list")
    title = _("Sửa quy định xếp loại") if rule else _("Ghi nhận quy định xếp loại")
    context = {"form": form, "title": title, "rule": rule}
    status = conflict_status(form) if form.is_bound else 200
    return render(request, "registry/grading_rule_form.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def grading_rule_create(request: HttpRequest) -> HttpResponse:
    require(may_manage_grading_rules(request))
    return _form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def grading_rule_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _form_page(request, access_grading_rule(request, pk))
