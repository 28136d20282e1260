"""The plans' forms, one module per subject: `plans` (a plan, its copy to a new period),
`targets`, `activities` (with evidence files), `budget` and `links` (enterprise links)."""
