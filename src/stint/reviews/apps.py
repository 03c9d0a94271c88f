from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "stint.reviews"
    label = "reviews"
