"""测评投票设置: the ballot engine's settings, for organisers whose scope is the whole county."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ganbu.ballots import conf, rules, services
from ganbu.ballots.forms import BallotSettingsForm
from ganbu.core.forms import add_errors
from ganbu.org.access import request_user, requires


@requires("ballots.manage", kind="page", county_wide=True)
@require_http_methods(["GET", "POST"])
def settings_edit(request: HttpRequest) -> HttpResponse:
    current = conf.current()
    form = BallotSettingsForm(request.POST or None, initial=model_to_dict(current))
    if request.method == "POST" and form.is_valid():
        try:
            services.ballot_settings_update(**form.cleaned_settings(), actor=request_user(request))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "测评投票设置已保存，新建的投票和此后计算的结果按新设置执行。")
            return redirect("ballots:settings")
    context = {"form": form, "current": current, "defaults": rules}
    return render(request, "ballots/settings.html", context)
