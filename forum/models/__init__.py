"""Every model, imported here so that ``forum.models`` registers the whole schema."""

from forum.models.access import Invitation, OneTimeToken, TokenPurpose
from forum.models.base import UTCDateTime, utcnow
from forum.models.forum import (
    ContentWarning,
    Forum,
    ForumAudience,
    Post,
    PostRevision,
    Thread,
    ThreadRead,
    WarningChoice,
    WarningPreference,
    post_warnings,
)
from forum.models.idea import (
    CHOOSABLE_STATUSES,
    CLOSED_STATUSES,
    Idea,
    IdeaComment,
    IdeaStatus,
    IdeaStatusChange,
    IdeaTag,
    IdeaTitleTerm,
    IdeaVote,
)
from forum.models.mail import OutboxMail
from forum.models.member import Consent, ConsentKind, Member, MemberStatus, Role
from forum.models.region import Region
from forum.models.site import CrisisContact, SiteSettings

__all__ = [
    "CHOOSABLE_STATUSES",
    "CLOSED_STATUSES",
    "Consent",
    "ConsentKind",
    "ContentWarning",
    "CrisisContact",
    "Forum",
    "ForumAudience",
    "Idea",
    "IdeaComment",
    "IdeaStatus",
    "IdeaStatusChange",
    "IdeaTag",
    "IdeaTitleTerm",
    "IdeaVote",
    "Invitation",
    "Member",
    "MemberStatus",
    "OneTimeToken",
    "OutboxMail",
    "Post",
    "PostRevision",
    "Region",
    "Role",
    "SiteSettings",
    "Thread",
    "ThreadRead",
    "TokenPurpose",
    "UTCDateTime",
    "WarningChoice",
    "WarningPreference",
    "post_warnings",
    "utcnow",
]
