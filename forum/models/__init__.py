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
from forum.models.moderation import (
    REASON_LABELS,
    AuditEntry,
    CaseState,
    ModerationCase,
    ModeratorMessage,
    ModeratorRegion,
    Mute,
    Report,
    ReportReason,
    TargetKind,
)
from forum.models.region import Region
from forum.models.site import CrisisContact, SiteSettings

__all__ = [
    "CHOOSABLE_STATUSES",
    "CLOSED_STATUSES",
    "REASON_LABELS",
    "AuditEntry",
    "CaseState",
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
    "ModerationCase",
    "ModeratorMessage",
    "ModeratorRegion",
    "Mute",
    "OneTimeToken",
    "OutboxMail",
    "Post",
    "PostRevision",
    "Region",
    "Report",
    "ReportReason",
    "Role",
    "SiteSettings",
    "TargetKind",
    "Thread",
    "ThreadRead",
    "TokenPurpose",
    "UTCDateTime",
    "WarningChoice",
    "WarningPreference",
    "post_warnings",
    "utcnow",
]
