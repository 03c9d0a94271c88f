from django.urls import path

from stint.payments import views

urlpatterns = [
    path("earnings/", views.earnings, name="payments_earnings"),
    path("settings/", views.payout_settings, name="payments_settings"),
    path("settings/setup/", views.payout_setup, name="payments_setup"),
    path("settings/return/", views.payout_setup_return, name="payments_setup_return"),
    path("settings/refresh/", views.payout_setup_link, name="payments_setup_refresh"),
    path("org/<int:org_id>/setup/", views.org_payment_setup, name="payments_org_setup"),
    path(
        "org/<int:org_id>/setup/return/",
        views.org_payment_setup_return,
        name="payments_org_setup_return",
    ),
    path("statements/<int:candidate_id>/", views.statement, name="payments_statement"),
    path(
        "statements/<int:candidate_id>/pdf/",
        views.statement,
        {"fmt": "pdf"},
        name="payments_statement_pdf",
    ),
    path("receipts/", views.receipts, name="payments_receipts"),
    path("receipts/<int:transaction_id>/", views.receipt, name="payments_receipt"),
    path(
        "receipts/<int:transaction_id>/pdf/",
        views.receipt,
        {"fmt": "pdf"},
        name="payments_receipt_pdf",
    ),
    path("webhooks/<str:provider>/", views.webhook, name="payments_webhook"),
]
