"""Pure clinical logic and reference data: no Qt, no database, nothing of ours outside this package.

Modules: nhs_number (Modulus 11), questionnaires (PHQ-2/9, GAD-2/7, UCLA-3, ONS loneliness),
frailty (CFS names), acb (anticholinergic burden), review_interval, conditions (SNOMED-coded
pick-list), snomed (care-planning event codes), contingency_templates, directory (services and
leaflets with CSV import/export), practice (practice settings). Data files live in
careplanner/resources/clinical with their sources in its README.md.
"""
