"""Every model, imported here so that ``forum.models`` registers the whole schema."""

from forum.models.access import Invitation, OneTimeToken, TokenPurpose
from forum.models.base import UTCDateTime, utcnow
from forum.models.mail import OutboxMail
from forum.models.member import Consent, ConsentKind, Member, MemberStatus, Role
from forum.models.region import Region
from forum.models.site import CrisisContact, SiteSettings

__all__ = [
    "Consent",
    "ConsentKind",
    "CrisisContact",
    "Invitation",
    "Member",
    "MemberStatus",
    "OneTimeToken",
    "OutboxMail",
    "Region",
    "Role",
    "SiteSettings",
    "TokenPurpose",
    "UTCDateTime",
    "utcnow",
]
