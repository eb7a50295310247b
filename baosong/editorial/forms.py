from __future__ import annotations

from django import forms

from baosong.editorial.document import FONT_CHOICES
from baosong.editorial.models import IssueTemplate, PublicationKind
from baosong.orgs.models import Role

FONTS = [(f, f) for f in FONT_CHOICES]


class TemplateForm(forms.Form):
    name = forms.CharField(label="模板名称", max_length=50)
    variant = forms.ChoiceField(label="版式", choices=IssueTemplate.Variant.choices)
    masthead_text = forms.CharField(label="版头文字（留空用刊物名称）", max_length=40, required=False)
    masthead_color = forms.CharField(
        label="版头颜色", max_length=7, widget=forms.TextInput(attrs={"type": "color"}), initial="#C00000"
    )
    masthead_size_pt = forms.DecimalField(label="版头字号（磅）", min_value=12, max_value=72, initial=42)
    masthead_font = forms.ChoiceField(label="版头字体", choices=FONTS)
    title_font = forms.ChoiceField(label="本期标题字体", choices=FONTS)
    heading_font = forms.ChoiceField(label="信息标题字体", choices=FONTS, initial="黑体")
    body_font = forms.ChoiceField(label="正文字体", choices=FONTS, initial="仿宋_GB2312")
    kai_font = forms.ChoiceField(label="编者按、来源字体", choices=FONTS, initial="楷体_GB2312")
    show_closing_block = forms.BooleanField(
        label="显示版记（报、送、发及印数）", required=False, initial=True
    )


class PublicationForm(forms.Form):
    unit = forms.TypedChoiceField(label="主办单位", coerce=int)
    name = forms.CharField(label="刊物名称", max_length=50, help_text="不含书名号，如：临江政务信息")
    kind = forms.ChoiceField(label="类型", choices=PublicationKind.choices)
    columns = forms.CharField(
        label="默认栏目", required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="每行一个"
    )
    print_count = forms.IntegerField(label="印数（份）", min_value=0, initial=0)
    signer_role = forms.ChoiceField(
        label="签发人", choices=[(Role.CHIEF.value, "主编/签发领导"), (Role.LEADER.value, "领导")]
    )
    template = forms.TypedChoiceField(label="模板", coerce=int, required=False, empty_value=None)
    supplement_template = forms.TypedChoiceField(
        label="增刊模板", coerce=int, required=False, empty_value=None
    )
    marking = forms.CharField(label="标注（左上角）", max_length=20, required=False, initial="内部资料")
    total_base = forms.IntegerField(label="启用前已出总期数", min_value=0, initial=0)
    base_year = forms.IntegerField(label="启用年度", min_value=2000, max_value=2100, required=False)
    base_number = forms.IntegerField(label="启用年度内已出期数", min_value=0, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    up = forms.CharField(label="报", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    peer = forms.CharField(label="送", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    down = forms.CharField(label="发", required=False, widget=forms.Textarea(attrs={"rows": 3}))
