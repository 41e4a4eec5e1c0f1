from django.urls import path

from . import views

urlpatterns = [
    path("space/", views.space_index, name="space_index"),
    path("space/<slug:slug>/", views.space_week, name="space_week"),
    path("programs/<int:page_id>/sessions/", views.program_week, name="program_week"),
    path("slots/<int:slot_id>/book/", views.book_slot, name="book_slot"),
    path("my/", views.my_bookings, name="my_bookings"),
    path("my/profile/", views.complete_profile, name="complete_profile"),
    path("my/bookings/<str:code>/cancel/", views.cancel_booking, name="cancel_booking"),
    path("my/bookings/<str:code>.ics", views.booking_ics, name="booking_ics"),
    path("my/feed/<str:token>.ics", views.booking_feed, name="booking_feed"),
    path("my/feed/renew/", views.renew_feed, name="renew_feed"),
]
