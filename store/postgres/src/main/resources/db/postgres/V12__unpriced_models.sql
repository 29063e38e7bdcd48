-- Whether a team refuses work on models the price table has no row for (0 = priced by an estimate, as before).
ALTER TABLE teams ADD COLUMN refuse_unpriced_models INTEGER NOT NULL DEFAULT 0;
