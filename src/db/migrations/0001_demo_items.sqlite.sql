-- A small table for the platform's DB-backed demo route and its benchmark; it goes away once
-- clinical records exist (issue 4).
CREATE TABLE demo_items (
  id INTEGER PRIMARY KEY,
  label TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
