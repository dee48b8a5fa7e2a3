-- The most bytes a user's or an organization's repositories may hold together, counted as the
-- API's `usedStorage` counts them (every LFS or Xet object each repository binds, plus its git
-- objects); NULL: no limit. Set by an administrator (`modelhub quota set`).
ALTER TABLE users ADD COLUMN storage_quota INTEGER CHECK (storage_quota >= 0);
ALTER TABLE organizations ADD COLUMN storage_quota INTEGER CHECK (storage_quota >= 0);
