"""Writes of the audit app: the one event writer, chain verification, anchors, the runtime role."""

from ganbu.audit.rules import GENESIS_HASH
from ganbu.audit.services.anchors import (
    AnchorError,
    anchor_on_commit,
    anchor_write,
    verify_with_anchors,
)
from ganbu.audit.services.chain import (
    ChainReport,
    chain_tail,
    compute_hash,
    event_hash,
    record_event,
    verify_chain,
)
from ganbu.audit.services.roles import RoleGrant, runtime_role_grant

__all__ = [
    "GENESIS_HASH",
    "AnchorError",
    "ChainReport",
    "RoleGrant",
    "anchor_on_commit",
    "anchor_write",
    "chain_tail",
    "compute_hash",
    "event_hash",
    "record_event",
    "runtime_role_grant",
    "verify_chain",
    "verify_with_anchors",
]
