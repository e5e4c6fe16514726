"""Organisation pages: details, staff, invitations, and members registered by coordinators."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from timecredits.errors import Conflict, DomainError, Invalid, NotFound
from timecredits.forms import sent_once
from timecredits.members.passes import pass_url
from timecredits.members.use_cases import organisation_member_card_replace
from timecredits.qr import qr_svg
from timecredits.signed_in import login_required

from . import use_cases
from .forms import (
    AssistedRegistrationForm,
    InvitationForm,
    OrganisationForm,
    OrganisationSettingsForm,
)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request, organisation_id):
    page = use_cases.organisation_page(actor=request.user, organisation_id=organisation_id)
    organisation, parts = page["organisation"], page["can"]
    can_edit, can_invite, can_register = parts["edit"], parts["invite"], parts["register"]
    form_name = request.POST.get("form")
    details = OrganisationForm(
        request.POST if form_name == "details" else None,
        initial={f: getattr(organisation, f) for f in OrganisationForm.base_fields},
    )
    # Three forms on one page: each field's id its own (an email box in two of them).
    invite = InvitationForm(
        request.POST if form_name == "invite" else None,
        roles=organisation.staff_roles,
        auto_id="invite_%s",
    )
    register = AssistedRegistrationForm(
        request.POST if form_name == "register" else None, auto_id="register_%s"
    )
    bound = {"details": details, "invite": invite, "register": register}.get(form_name)
    if bound is not None and bound.is_valid():
        try:
            if form_name == "details":
                use_cases.organisation_update(
                    actor=request.user, organisation_id=organisation.pk, **bound.cleaned_data
                )
                messages.success(request, _("Details saved."))
            elif form_name == "invite":
                invitation, _token = use_cases.invitation_create(
                    actor=request.user, organisation_id=organisation.pk, **bound.cleaned_data
                )
                messages.success(request, _("Invitation sent to %s.") % invitation.email)
            else:
                member_id = sent_once(
                    f"register:{request.user.pk}",
                    bound.cleaned_data,
                    lambda fields: (
                        use_cases.member_register(
                            actor=request.user, organisation_id=organisation.pk, **fields
                        ).pk
                    ),
                )
                name = [bound.cleaned_data["first_name"], bound.cleaned_data["last_name"]]
                messages.success(
                    request,
                    _("%(name)s is registered. Print this card for them, or show it to them.")
                    % {"name": " ".join(filter(None, name))},
                )
                return redirect("organisation-member-card", organisation.pk, member_id)
        except (Invalid, Conflict) as refused:
            bound.add_service_errors(refused)
        else:
            return redirect("organisation-detail", organisation.pk)
    context = page | {
        "can_read_reports": parts["reports"],
        "details": details if can_edit else None,
        "invite": invite if can_invite else None,
        "register": register if can_register else None,
    }
    return render(request, "partners/organisation.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request, organisation_id):
    """The organisation's settings, for its admins: details, and check-in approval."""
    organisation = use_cases.organisation_settings(
        actor=request.user, organisation_id=organisation_id
    )
    form = OrganisationSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={f: getattr(organisation, f) for f in OrganisationSettingsForm.base_fields},
    )
    if form.is_valid():
        try:
            use_cases.organisation_settings_update(
                actor=request.user, organisation_id=organisation.pk, **form.cleaned_data
            )
        except Invalid as invalid:
            form.add_service_errors(invalid)
        else:
            messages.success(request, _("Settings saved."))
            return redirect("organisation-settings", organisation.pk)
    return render(request, "partners/settings.html", {"organisation": organisation, "form": form})


@login_required
def member_card(request, organisation_id, member_id):
    member = use_cases.member_card(
        actor=request.user, organisation_id=organisation_id, member_id=member_id
    )
    replace_url = reverse("organisation-member-card-replace", args=[organisation_id, member.pk])
    return render(
        request,
        "members/card.html",
        {"member": member, "qr": qr_svg(pass_url(member)), "replace_url": replace_url},
    )


def _staff_change(request, change, *, done, gone: str):
    """Make a change to the staff from the organisation's page: `change()` gives what it changed
    and `done(that)` says so; a refusal says why, and `gone` says that what the page showed is
    gone already (a second tap, or another admin first). Returns what it changed, or None."""
    try:
        changed = change()
    except NotFound:
        messages.info(request, gone)
    except Conflict as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, done(changed))
        return changed
    return None


def _staff_list(organisation_id):
    return redirect(reverse("organisation-detail", args=[organisation_id]) + "#staff-heading")


@login_required
@require_POST
def invitation_withdraw(request, organisation_id, invitation_id):
    """An admin withdraws an invitation from the organisation's page."""
    _staff_change(
        request,
        lambda: use_cases.invitation_withdraw(
            actor=request.user, organisation_id=organisation_id, invitation_id=invitation_id
        ),
        done=lambda invitation: (
            _("The invitation to %(email)s is withdrawn. Its link no longer works.")
            % {"email": invitation.email}
        ),
        gone=_("That invitation is no longer waiting. Nothing more was changed."),
    )
    return _staff_list(organisation_id)


@login_required
@require_POST
def staff_remove(request, organisation_id, membership_id):
    """An admin takes a role in the staff away, from the organisation's page. Removing their own
    last role there sends them home, as the page is no longer theirs."""
    removed = _staff_change(
        request,
        lambda: use_cases.staff_remove(
            actor=request.user, organisation_id=organisation_id, membership_id=membership_id
        ),
        done=lambda removal: (
            _("%(name)s no longer has the role of %(role)s here.")
            % {
                "name": removal[0].user.get_full_name() or removal[0].user.username,
                "role": removal[0].get_role_display().lower(),
            }
        ),
        gone=_("That role was already taken away. Nothing more was changed."),
    )
    if removed is not None and not removed[1] and not request.user.is_superuser:
        return redirect("home")
    return _staff_list(organisation_id)


@login_required
@require_POST
def member_card_reissue(request, organisation_id, member_id):
    """A coordinator prints a new card for a member who lost theirs; the old one stops working.
    Permission first, as on the card page, so a stranger learns nothing about who is registered."""
    organisation_member_card_replace(
        actor=request.user, organisation_id=organisation_id, member_id=member_id
    )
    messages.success(request, _("Here is the new card. The old card no longer works."))
    return redirect("organisation-member-card", organisation_id, member_id)


@never_cache  # it names the organisation and the inviter: no shared cache may keep it
def invitation(request, token):
    """What the link invites to, for whoever holds it: signed out, the ways to sign in or join
    that come back here (it was a bare sign-in page, which never said why)."""
    page = use_cases.invitation_page(token=token)
    return render(
        request, "partners/invitation.html", page | {"token": token, "here": request.path}
    )


@login_required
@require_POST
def invitation_accept(request, token):
    try:
        membership, landing_url = use_cases.invitation_accept(actor=request.user, token=token)
    except DomainError as refused:
        messages.error(request, refused.message)
        return redirect("home")
    messages.success(request, _("You have joined %s.") % membership.organisation.name)
    return redirect(landing_url)
