from django.urls import path

from baosong.signing import views

urlpatterns = [
    # Public: anyone holding a file checks it, without an account.
    path("verify/", views.verify_page, name="verify"),
    path("verify/keys/", views.public_keys, name="verify_keys"),
    path("verify/keys/<str:key_id>.pem", views.public_key_pem, name="verify_key_pem"),
    # 安全管理员.
    path("security/signing-keys", views.key_list, name="signing_keys"),
    path("security/signing-keys/generate", views.key_generate, name="signing_key_generate"),
    path("security/signing-keys/<int:pk>/rotate", views.key_rotate, name="signing_key_rotate"),
]
