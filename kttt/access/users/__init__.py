"""The administrator's account pages (`/tai-khoan/`) and the rules of what a role may be
given, shared with `kttt createuser`. At the plans' layer: a role names a cooperative and an
implementing unit."""
