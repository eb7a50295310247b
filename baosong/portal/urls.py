from django.urls import path

from baosong.portal import desk, views

urlpatterns = [
    # The public site (no login).
    path("portal/", views.portal_home, name="portal_home"),
    path("portal/feed.xml", views.portal_feed, name="portal_feed"),
    path("portal/search", views.portal_search, name="portal_search"),
    path("portal/columns/<slug:slug>/", views.portal_column, name="portal_column"),
    path("portal/columns/<slug:slug>/page/<int:page>/", views.portal_column, name="portal_column_page"),
    path("portal/columns/<slug:slug>/feed.xml", views.portal_column_feed, name="portal_column_feed"),
    path("portal/issues/", views.portal_archive, name="portal_archive"),
    path(
        "portal/publications/<int:pk>/<int:year>/",
        views.portal_publication_year,
        name="portal_publication_year",
    ),
    path("portal/issues/<int:pk>/", views.portal_issue, name="portal_issue"),
    path("portal/issues/<int:pk>/items/<int:item_pk>/", views.portal_issue_item, name="portal_issue_item"),
    path(
        "portal/issues/<int:pk>/document.<str:fmt>", views.portal_issue_document, name="portal_issue_document"
    ),
    path("portal/articles/<int:pk>/", views.portal_article, name="portal_article"),
    path("portal/bulletins/", views.portal_bulletins, name="portal_bulletins"),
    path("portal/bulletins/page/<int:page>/", views.portal_bulletins, name="portal_bulletins_page"),
    path("portal/bulletins/<int:pk>/", views.portal_bulletin, name="portal_bulletin"),
    path(
        "portal/bulletins/<int:pk>/document.<str:fmt>",
        views.portal_bulletin_document,
        name="portal_bulletin_document",
    ),
    path("portal/sitemap/", views.portal_sitemap, name="portal_sitemap"),
    path("portal/xxgk/", views.portal_xxgk, name="portal_xxgk"),
    path("portal/xxgk/<slug:section>/", views.portal_xxgk, name="portal_xxgk_section"),
    # The desk: columns (system administrator), release requests and their review.
    path("manage/portal/", desk.manage_portal, name="portal_manage"),
    path("manage/portal/columns/<int:pk>/", desk.manage_column, name="portal_manage_column"),
    path("publish/", desk.release_list, name="portal_releases"),
    path("publish/new", desk.release_new, name="portal_release_new"),
    path("publish/review/", desk.release_queue, name="portal_release_queue"),
    path("publish/issues/<int:pk>/take-down", desk.issue_take_down, name="portal_issue_take_down"),
    path("publish/<int:pk>/", desk.release_detail, name="portal_release_detail"),
    path("publish/<int:pk>/sheet.pdf", desk.release_sheet, name="portal_release_sheet"),
    path("publish/<int:pk>/<str:action>", desk.release_action, name="portal_release_action"),
]
