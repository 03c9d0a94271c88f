from django.urls import path

from stint.payments import views

urlpatterns = [
    path("earnings/", views.earnings, name="payments_earnings"),
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
