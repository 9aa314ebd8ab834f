"""Paramètres > Véhicules > Produits additionnels (V-10)."""

urlpatterns: list = []
