"""Order PDFs (O-7)."""

urlpatterns: list = []
