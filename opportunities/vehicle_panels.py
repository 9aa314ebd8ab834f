"""The opportunities section of the vehicle page (O-9)."""
