"""The settings screens (Paramètres, ORG-5): each module registers its own sections."""

from dataclasses import dataclass

from openflex.accounts.selectors import user_is_platform_admin


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    description: str
    url_name: str
    module: str  # heading under which the section is listed
    permission: str | None = None  # extra right required besides being an administrator
    order: int = 100

    def visible_to(self, user) -> bool:
        if not user_is_platform_admin(user):
            return False
        return not self.permission or user.has_perm(self.permission)


_sections: dict[str, Section] = {}


def register(section: Section) -> Section:
    _sections[section.key] = section
    return section


def sections_for_user(user) -> list[Section]:
    return sorted(
        (s for s in _sections.values() if s.visible_to(user)),
        key=lambda s: (s.order, s.module, s.title),
    )
