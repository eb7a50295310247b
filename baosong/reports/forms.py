from __future__ import annotations

from typing import Any

from django import forms

from baosong.reports.models import ExternalAdoption, ItemCategory, PublicScope, Urgency, Usage


class ReportForm(forms.Form):
    # 约稿 / 报送要点 this item answers; the options (an htmx fragment) come from solicitations.
    solicitation = forms.IntegerField(label="响应约稿或报送要点", required=False, min_value=1)
    title = forms.CharField(
        label="标题",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "一句话概括主要内容，不超过 40 字"}),
    )
    body = forms.CharField(
        label="正文",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 14, "placeholder": "直接写事实：时间、地点、做法、成效、数据"}),
    )
    category = forms.ChoiceField(label="类别")
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    event_time = forms.DateTimeField(
        label="事件时间",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    public_scope = forms.ChoiceField(label="公开属性", choices=PublicScope.choices)
    tags = forms.CharField(label="标签", required=False, help_text="多个标签用逗号分隔")
    sensitive = forms.BooleanField(label="敏感信息（需加审）", required=False)
    negative = forms.BooleanField(label="负面/重大信息（按规定送宣传部门审核）", required=False)
    targets = forms.MultipleChoiceField(label="报送对象", required=False, widget=forms.CheckboxSelectMultiple)
    co_units = forms.MultipleChoiceField(
        label="合报单位", required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(
        self,
        *args: Any,
        categories: list[ItemCategory],
        target_choices: list[tuple[int, str]] | None = None,
        co_unit_choices: list[tuple[int, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        """``categories``: those the item may take (the office's current ones, plus its own if retired)."""
        super().__init__(*args, **kwargs)
        self.categories = categories
        category = self.fields["category"]
        assert isinstance(category, forms.ChoiceField)
        category.choices = [(c.code, f"{c.label}（已停用）" if c.retired else c.label) for c in categories]
        co_units = self.fields["co_units"]
        assert isinstance(co_units, forms.MultipleChoiceField)
        co_units.choices = co_unit_choices or []
        targets = self.fields["targets"]
        assert isinstance(targets, forms.MultipleChoiceField)
        targets.choices = target_choices or []
        # One box per 要素 any of these categories asks for (besides 时间 and 地点, the item's own
        # fields); the page shows those of the chosen category.
        self.element_keys: dict[str, list[str]] = {}  # key → the codes of the categories asking for it
        for c in categories:
            for key, label in c.text_elements:
                if key not in self.element_keys:
                    self.element_keys[key] = []
                    self.fields[f"el_{key}"] = forms.CharField(
                        label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
                    )
                self.element_keys[key].append(c.code)

    def element_fields(self) -> list[tuple[forms.BoundField, str]]:
        """The 要素 boxes, each with the codes (space-separated) of the categories that show it."""
        return [(self[f"el_{key}"], " ".join(codes)) for key, codes in self.element_keys.items()]

    def writing_templates(self) -> dict[str, str]:
        """code → the writing template the editor offers when that category is chosen."""
        return {c.code: c.template for c in self.categories if c.template}

    def chosen(self) -> ItemCategory | None:
        value = self["category"].value()
        return next((c for c in self.categories if c.code == value), None)

    def service_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "title": d["title"],
            "body": d["body"],
            "category": d["category"],
            "urgency": d["urgency"],
            "event_time": d["event_time"],
            "place": d["place"],
            "public_scope": d["public_scope"],
            "tags": [t.strip() for t in d["tags"].replace("，", ",").split(",") if t.strip()],
            "sensitive": d["sensitive"],
            "negative": d["negative"],
            "elements": {k: d[f"el_{k}"] for k in self.element_keys if d.get(f"el_{k}")},
            "target_unit_ids": [int(t) for t in d["targets"]],
            "co_unit_ids": [int(u) for u in d["co_units"]],
            "solicitation_id": d.get("solicitation"),
        }


class CommentForm(forms.Form):
    comment = forms.CharField(
        label="意见", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WorkingCopyForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(
        label="正文", required=False, max_length=50_000, widget=forms.Textarea(attrs={"rows": 14})
    )


class AdoptForm(forms.Form):
    usage = forms.ChoiceField(label="采用方式", choices=Usage.choices)
    comment = forms.CharField(label="备注", required=False, max_length=2000)


class ExternalAdoptionForm(forms.Form):
    publication_name = forms.CharField(
        label="刊物名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如：国办《昨日要情》"}),
    )
    level = forms.ChoiceField(label="级别", choices=ExternalAdoption.Level.choices)
    date = forms.DateField(label="采用日期", widget=forms.DateInput(attrs={"type": "date"}))
