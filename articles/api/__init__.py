"""The read-only content API under /api/v1/ and the embeddable news box (/einbinden/)."""
