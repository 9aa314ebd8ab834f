"""The additional products section of the vehicle page (V-10)."""
