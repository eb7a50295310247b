from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator

from baosong.orgs.models import Level, Role, Unit, UnitKind


class LoginForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=64)
    password = forms.CharField(label="密码", widget=forms.PasswordInput, max_length=128)


class OtpForm(forms.Form):
    token = forms.CharField(
        label="动态口令",
        max_length=8,
        min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label="原密码", widget=forms.PasswordInput, max_length=128)
    new_password = forms.CharField(label="新密码", widget=forms.PasswordInput, max_length=128)
    new_password2 = forms.CharField(label="确认新密码", widget=forms.PasswordInput, max_length=128)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        if data.get("new_password") and data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", "两次输入的新密码不一致。")
        return data


class ProfileForm(forms.Form):
    full_name = forms.CharField(label="姓名", max_length=64)
    job_title = forms.CharField(label="职务", max_length=64, required=False)
    office_phone = forms.CharField(label="办公电话", max_length=32, required=False)
    mobile = forms.RegexField(
        label="手机",
        regex=r"^1\d{10}$",
        required=False,
        error_messages={"invalid": "手机号码应为 11 位数字。"},
    )
    email = forms.EmailField(label="电子邮箱", required=False)
    email_notifications = forms.BooleanField(label="接收邮件通知", required=False)


class TokenForm(forms.Form):
    name = forms.CharField(label="用途", max_length=64, help_text="例如：OA 系统对接")
    days = forms.IntegerField(label="有效期（天）", min_value=1, initial=90)

    def __init__(self, *args: Any, max_days: int = 365, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["days"]
        field.validators.append(MaxValueValidator(max_days, message=f"有效期最长 {max_days} 天。"))
        field.widget.attrs.update({"min": 1, "max": max_days})
        field.help_text = f"1 至 {max_days} 天"


class UnitForm(forms.Form):
    name = forms.CharField(label="单位名称", max_length=100)
    short_name = forms.CharField(label="简称", max_length=50, required=False)
    code = forms.CharField(label="单位代码", max_length=32)
    level = forms.ChoiceField(label="层级", choices=Level.choices)
    kind = forms.ChoiceField(label="类型", choices=UnitKind.choices)
    unit_class = forms.CharField(label="考核类别", max_length=16, required=False)
    sort_order = forms.IntegerField(label="排序", required=False, initial=0)


class UnitMoveForm(forms.Form):
    new_parent = forms.ModelChoiceField(
        label="新的上级单位",
        queryset=Unit.objects.none(),
        widget=forms.NumberInput(attrs={"placeholder": "上级单位编号"}),
    )


class UserForm(ProfileForm):
    username = forms.RegexField(
        label="用户名",
        regex=r"^[A-Za-z0-9_.@-]{3,64}$",
        error_messages={"invalid": "用户名为 3-64 位字母、数字或 _.@-。"},
    )
    primary_unit = forms.ModelChoiceField(
        label="所在单位",
        queryset=Unit.objects.none(),
        widget=forms.NumberInput(attrs={"placeholder": "单位编号"}),
    )
    password = forms.CharField(
        label="初始密码", widget=forms.PasswordInput, max_length=128, help_text="用户首次登录时须修改。"
    )

    field_order = [
        "username",
        "full_name",
        "primary_unit",
        "job_title",
        "office_phone",
        "mobile",
        "email",
        "password",
        "email_notifications",
    ]


class MembershipForm(forms.Form):
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=Unit.objects.none(),
        widget=forms.NumberInput(attrs={"placeholder": "单位编号"}),
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices)


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label="导入内容", choices=[("units", "单位"), ("users", "用户")])
    file = forms.FileField(
        label="文件（XLSX 或 CSV）",
        widget=forms.ClearableFileInput(
            attrs={
                "data-max": settings.IMPORT_MAX_BYTES,
                "data-max-mb": settings.IMPORT_MAX_BYTES // (1024 * 1024),
            }
        ),
    )


class ResetPasswordForm(forms.Form):
    password = forms.CharField(
        label="临时密码", widget=forms.PasswordInput, max_length=128, help_text="用户下次登录时须修改。"
    )
