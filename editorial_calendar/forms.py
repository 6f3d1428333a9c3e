import copy
import json
from datetime import date, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import pickers, sensitive
from .enums import EntryStatus
from .models import HotTopic
from .workflow import (
    REOPENED_BY_CHANGES,
    REVIEWED_FIELDS,
    TransitionError,
    allowed_moves,
    can_review,
    check_deliverable,
    check_move,
    status_after_edit,
)

# Hot topics offered first: those whose preparation window and run are this near the date.
TOPICS_AROUND_DAYS = 45


class ScriptSelect(forms.Select):
    """Each option names its persona (data-persona), so the page can filter without a reload."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.persona_of: dict[str, int] = {}

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        persona = self.persona_of.get(str(getattr(value, "value", value)))
        if persona is not None:
            option["attrs"]["data-persona"] = str(persona)
        return option


class CalendarEntryForm(WagtailAdminModelForm):
    class Media:
        js = ["editorial_calendar/entry_form.js"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Planning warnings (a promotion on a sensitive date): shown after saving, not refused.
        self.warnings: list[str] = []
        self._set_up_pickers()
        self.original_status = self.instance.status if self.instance.pk else EntryStatus.IDEA
        # Set by clean() when a change sent an approved entry back to review (the edit view
        # tells the user).
        self.returned_to_review = False
        reviewer = self.for_user is not None and can_review(self.for_user)
        if "status" in self.fields and self.for_user is not None:
            current = self.original_status
            allowed = [current] + allowed_moves(self.instance, self.for_user)
            if not self.instance.pk:
                allowed = [EntryStatus.IDEA, EntryStatus.DRAFTING]
            self.fields["status"].choices = [
                (value, label) for value, label in EntryStatus.choices if value in allowed
            ]
            if not reviewer and self.instance.pk:
                if current in REOPENED_BY_CHANGES:
                    self.fields["status"].help_text = _(
                        "Changing this entry sends it back to review: bots stop seeing it "
                        "until a manager approves it again."
                    )
                elif current == EntryStatus.PUBLISHED:
                    self.fields["status"].help_text = _(
                        "A published entry can only be changed by a manager."
                    )
        if "review_comment" in self.fields and self.for_user is not None and not reviewer:
            # Shown (it says why an entry was sent back) but not editable: a disabled field
            # ignores whatever is posted and keeps the stored value.
            field = self.fields["review_comment"]
            field.disabled = True
            field.help_text = _("Written by managers when they review the entry.")

    def _persona_id(self):
        if self.is_bound:
            from .views import parse_id

            return parse_id(self.data.get(self.add_prefix("persona")))
        return self.instance.persona_id

    def _entry_date(self) -> date:
        if self.is_bound:
            try:
                return date.fromisoformat(self.data.get(self.add_prefix("date")) or "")
            except ValueError:
                pass
        return self.instance.date or timezone.localdate()

    def _set_up_pickers(self) -> None:
        """Channels of the persona's accounts; scripts of the persona labelled with kind and
        status; hot topics around the date first. The page script (entry_form.js) keeps the
        channel and script lists in step with the persona without a reload."""
        from personas.enums import Channel
        from personas.models import PersonaChannel

        # Plain selects instead of the modal choosers: the page script reads and filters them.
        for name in ("persona", "hot_topic"):
            if name in self.fields:
                field = self.fields[name]
                field.widget = forms.Select(attrs={"data-entry-" + name.replace("_", "-"): "1"})
                field.widget.choices = field.choices
                field.widget.is_required = field.required
        persona_id = self._persona_id()
        accounts: dict[int, list[str]] = {}
        for pid, channel in PersonaChannel.objects.order_by("sort_order").values_list(
            "persona_id", "channel"
        ):
            accounts.setdefault(pid, [])
            if channel not in accounts[pid]:
                accounts[pid].append(channel)
        if "channel" in self.fields:
            field = self.fields["channel"]
            field.widget.attrs["data-persona-channels"] = json.dumps(accounts)
            field.widget.attrs["data-channel-labels"] = json.dumps(
                {value: str(label) for value, label in Channel.choices}, ensure_ascii=False
            )
            field.widget.attrs["data-no-account"] = _(
                "This persona has no account yet: add one to the persona first."
            )
            if persona_id:
                own = set(accounts.get(persona_id, []))
                field.choices = [(v, label) for v, label in field.choices if not v or v in own]
        if "script" in self.fields:
            self._set_up_script_picker(persona_id)
        if "hot_topic" in self.fields:
            self._set_up_topic_picker()

    def _set_up_script_picker(self, persona_id) -> None:
        from django.urls import reverse

        from content.models import Script

        field = self.fields["script"]
        field.widget = ScriptSelect(
            attrs={
                "data-script-picker": reverse("editorial_calendar:scripts"),
                "data-search-label": _("Search this persona's scripts"),
            }
        )
        field.widget.is_required = field.required
        scripts = Script.objects.all()
        if persona_id:
            scripts = scripts.filter(persona_id=persona_id)
        field.queryset = scripts
        options = pickers.script_options(persona_id, include=self.instance.script_id)
        field.widget.persona_of = {str(s.pk): s.persona_id for s, _label in options}
        field.choices = [("", "---------")] + [(s.pk, label) for s, label in options]
        field.help_text = _("Only this persona's scripts: kind and status after the title.")

    def _set_up_topic_picker(self) -> None:
        field = self.fields["hot_topic"]
        day = self._entry_date()
        around = [
            t
            for t in HotTopic.objects.touching(
                day - timedelta(days=TOPICS_AROUND_DAYS), day + timedelta(days=TOPICS_AROUND_DAYS)
            )
            if t.prepare_from <= day + timedelta(days=TOPICS_AROUND_DAYS)
        ]

        def distance(topic) -> int:
            if topic.prepare_from <= day <= topic.end:
                return 0
            return min(abs((topic.prepare_from - day).days), abs((topic.end - day).days))

        around.sort(key=lambda t: (distance(t), t.start, t.name))
        current = self.instance.hot_topic_id
        others = list(
            HotTopic.objects.exclude(pk__in=[t.pk for t in around])
            .filter(start__gte=day - timedelta(days=366), start__lte=day + timedelta(days=366))
            .order_by("start", "name")
        )
        if current and current not in {t.pk for t in around + others}:
            others += list(HotTopic.objects.filter(pk=current))

        def label(topic) -> str:
            text = str(topic)
            if topic.prepare_from <= day <= topic.end:
                text += " ✓"
            return text

        field.choices = [
            ("", "---------"),
            (
                _("Around %(day)s") % {"day": day.isoformat()},
                [(t.pk, label(t)) for t in around],
            ),
            (_("Other hot topics"), [(t.pk, label(t)) for t in others]),
        ]
        field.help_text = _(
            "Topics whose preparation window and run include the date are marked ✓."
        )

    def clean_status(self):
        new = self.cleaned_data["status"]
        if self.for_user is None:
            return new
        if not self.instance.pk and new not in (EntryStatus.IDEA, EntryStatus.DRAFTING):
            raise forms.ValidationError(_("A new entry starts as an idea or in drafting."))
        try:
            check_move(self.original_status, new, self.for_user)
        except TransitionError as error:
            raise forms.ValidationError(str(error)) from error
        return new

    def clean(self):
        cleaned = super().clean()
        self._check_topic_window(cleaned)
        self._check_sensitive(cleaned)
        if self.for_user is None or not self.instance.pk or "status" not in cleaned:
            return cleaned
        chosen = cleaned["status"]
        try:
            status = status_after_edit(
                self.original_status, chosen, self.changed_data, self.for_user
            )
        except TransitionError as error:
            raise forms.ValidationError(str(error)) from error
        if status != chosen:
            cleaned["status"] = status
            self.returned_to_review = True
        self._check_deliverable(cleaned)
        return cleaned

    def _check_topic_window(self, cleaned) -> None:
        """A hot topic whose preparation window and run do not include the date is refused,
        naming the same topic's occurrence that does, if there is one (双12 2027 for a
        2026-12-10 entry is a slip, never silent)."""
        topic, day = cleaned.get("hot_topic"), cleaned.get("date")
        if topic is None or day is None or topic.prepare_from <= day <= topic.end:
            return
        message = _(
            "%(topic)s is prepared from %(prepare)s and runs until %(end)s; %(day)s is outside it."
        ) % {
            "topic": str(topic),
            "prepare": topic.prepare_from.isoformat(),
            "end": topic.end.isoformat(),
            "day": day.isoformat(),
        }
        better = [
            t
            for t in HotTopic.objects.filter(name=topic.name)
            .exclude(pk=topic.pk)
            .touching(day, day)
            if t.prepare_from <= day <= t.end
        ]
        if better:
            message += " " + _("Did you mean %(topic)s?") % {"topic": str(better[0])}
        self.add_error("hot_topic", message)

    def _check_sensitive(self, cleaned) -> None:
        day = cleaned.get("date")
        if day is None:
            return
        topic = cleaned.get("hot_topic")
        text = sensitive.warning(
            day,
            sensitive.is_promotional(
                cleaned.get("title") or "",
                cleaned.get("notes") or "",
                topic.category if topic else None,
            ),
        )
        if text:
            self.warnings.append(text)

    def _check_deliverable(self, cleaned) -> None:
        """An entry approved or scheduled (newly, or with what bots see changed) needs a script
        deliverable on its date; the error says why not."""
        status = cleaned.get("status")
        changed = status != self.original_status or set(self.changed_data) & set(REVIEWED_FIELDS)
        if not changed:
            return
        entry = copy.copy(self.instance)
        for name in ("date", "time", "persona", "script", "title"):
            if name in cleaned:
                setattr(entry, name, cleaned[name])
        entry.status = status
        if entry.persona is None or entry.date is None:
            return
        try:
            check_deliverable(entry, status)
        except TransitionError as error:
            self.add_error("status" if "status" in self.fields else None, str(error))
