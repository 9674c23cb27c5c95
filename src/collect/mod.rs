//! Live collectors, one module per AWS service (see the Live collection issue).
