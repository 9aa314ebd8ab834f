from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "openflex.core"
    label = "core"
    verbose_name = "OpenFlex"

    def ready(self) -> None:
        from PIL import Image

        from openflex.core.images import PILLOW_MAX_IMAGE_PIXELS

        # Every image Pillow opens in this process (Django's ImageField included) is
        # bounded: a warning above, a DecompressionBombError above twice this.
        Image.MAX_IMAGE_PIXELS = PILLOW_MAX_IMAGE_PIXELS
