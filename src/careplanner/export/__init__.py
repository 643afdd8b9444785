"""Outputs: the printed documents (reportlab) and FHIR R4 bundles.

Everything here works on the frozen dataclasses from `services.plan_data` and `services.people`; it opens no
session and imports no Qt, so the command line, the app and the tests produce the same bytes.

Modules: pdf_base (fonts, styles, page frame, layout rules), person_copy (the person's copy and large
print, built from copy_page_one, copy_sections, copy_medicines and copy_future_wishes), plan_frame (whose
plan each page belongs to),
clinician_summary (with the coding summary from coding), preparation_letter, practice_report,
contacts (who to ring), coding (SNOMED CT coding summary), fhir_resources (shared R4 building blocks),
fhir_export (R4 Bundle), fhir_problems and fhir_read (checking and reading an incoming bundle), sample
(a synthetic full plan for previews, the benchmark and tests).
"""
