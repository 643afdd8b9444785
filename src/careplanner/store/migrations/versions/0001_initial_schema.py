"""Initial schema: people, plan versions and every plan section, users, audit trail, practice.

Revision ID: 0001
Revises:
Create Date: 2026-11-22 17:46:53.738133
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

# Tables whose rows belong to one plan version (they all carry plan_id).
PLAN_CONTENT_TABLES = (
    "about_me",
    "strength",
    "medical_review",
    "condition",
    "medicine",
    "allergy",
    "test_result",
    "holistic_review",
    "questionnaire_result",
    "wellbeing_rating",
    "need",
    "goal",
    "goal_action",
    "referral",
    "information_given",
    "contingency_plan",
    "contingency_contact",
    "future_wishes",
    "care_team_member",
    "personal_contact",
    "additional_support_plan",
)
FROZEN = "SELECT RAISE(ABORT, 'agreed or declined plan versions cannot be changed')"
NOT_DRAFT = "(SELECT status FROM care_plan WHERE id = {row}.plan_id) <> 'draft'"


def create_guards() -> None:
    """Agreed and declined versions are immutable, and the audit trail is append-only, even to raw SQL."""
    if op.get_bind().dialect.name != "sqlite":
        return  # the practice server gets its own (plpgsql) guards in 0008
    op.execute(
        "CREATE TRIGGER care_plan_frozen_update BEFORE UPDATE ON care_plan "
        f"WHEN OLD.status <> 'draft' BEGIN {FROZEN}; END"
    )
    op.execute(
        "CREATE TRIGGER care_plan_frozen_delete BEFORE DELETE ON care_plan "
        f"WHEN OLD.status <> 'draft' BEGIN {FROZEN}; END"
    )
    for table in PLAN_CONTENT_TABLES:
        op.execute(
            f"CREATE TRIGGER {table}_frozen_insert BEFORE INSERT ON {table} "
            f"WHEN {NOT_DRAFT.format(row='NEW')} BEGIN {FROZEN}; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_frozen_update BEFORE UPDATE ON {table} "
            f"WHEN {NOT_DRAFT.format(row='OLD')} BEGIN {FROZEN}; END"
        )
        op.execute(
            f"CREATE TRIGGER {table}_frozen_delete BEFORE DELETE ON {table} "
            f"WHEN {NOT_DRAFT.format(row='OLD')} BEGIN {FROZEN}; END"
        )
    op.execute(
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'the audit trail cannot be changed'); END"
    )


def upgrade() -> None:
    op.create_table(
        "app_user",
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column(
            "role",
            sa.Enum(
                "gp", "nurse", "hca", "admin", "read_only", name="userrole", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("registration_number", sa.String(length=40), nullable=False),
        sa.Column("password_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_app_user")),
        sa.UniqueConstraint("username", name=op.f("uq_app_user_username")),
    )
    op.create_table(
        "audit_event",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_id", sa.String(length=36), nullable=True),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("person_id", sa.String(length=36), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=True),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("id", name=op.f("uq_audit_event_id")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_user_id"), ["user_id"], unique=False)

    op.create_table(
        "person",
        sa.Column("nhs_number", sa.String(length=10), nullable=True),
        sa.Column("title", sa.String(length=40), nullable=False),
        sa.Column("first_name", sa.String(length=200), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("preferred_name", sa.String(length=200), nullable=False),
        sa.Column("name_suffix", sa.String(length=60), nullable=False),
        sa.Column("aliases", sa.Text(), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column(
            "sex",
            sa.Enum("female", "male", "indeterminate", "not_known", name="sex", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("gender", sa.String(length=100), nullable=False),
        sa.Column("ethnicity", sa.String(length=200), nullable=False),
        sa.Column("religion", sa.String(length=200), nullable=False),
        sa.Column("marital_status", sa.String(length=60), nullable=False),
        sa.Column("place_of_birth", sa.String(length=200), nullable=False),
        sa.Column("other_identifier", sa.String(length=100), nullable=False),
        sa.Column(
            "preferred_contact_method",
            sa.Enum("phone", "text", "email", "letter", name="contactmethod", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("other_contact_information", sa.Text(), nullable=False),
        sa.Column("interpreter_language", sa.String(length=100), nullable=False),
        sa.Column("communication_other", sa.Text(), nullable=False),
        sa.Column("gp_name", sa.String(length=200), nullable=False),
        sa.Column("gp_practice_name", sa.String(length=200), nullable=False),
        sa.Column("gp_practice_ods_code", sa.String(length=10), nullable=False),
        sa.Column("palliative_register", sa.Boolean(), nullable=False),
        sa.Column("search_name", sa.String(length=700), nullable=False),
        sa.Column("last_agreed_on", sa.Date(), nullable=True),
        sa.Column("review_due", sa.Date(), nullable=True),
        sa.Column("has_draft", sa.Boolean(), nullable=False),
        sa.Column("declined_written_plan", sa.Boolean(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
    )
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_date_of_birth"), ["date_of_birth"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_family_name"), ["family_name"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_has_draft"), ["has_draft"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_last_agreed_on"), ["last_agreed_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_nhs_number"), ["nhs_number"], unique=True)
        batch_op.create_index(batch_op.f("ix_person_review_due"), ["review_due"], unique=False)
        batch_op.create_index(batch_op.f("ix_person_search_name"), ["search_name"], unique=False)

    op.create_table(
        "practice",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("ods_code", sa.String(length=10), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("phone_in_hours", sa.String(length=60), nullable=False),
        sa.Column("phone_out_of_hours", sa.String(length=60), nullable=False),
        sa.Column("phone_nhs_111", sa.String(length=20), nullable=False),
        sa.Column("phone_emergency", sa.String(length=20), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_practice")),
    )
    op.create_table(
        "care_plan",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "draft", "agreed", "superseded", "declined", name="planstatus", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("version_number", sa.Integer(), nullable=True),
        sa.Column("base_id", sa.String(length=36), nullable=True),
        sa.Column("replaces_id", sa.String(length=36), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("started_by_id", sa.String(length=36), nullable=True),
        sa.Column("last_updated", sa.DateTime(), nullable=True),
        sa.Column("agreed_at", sa.DateTime(), nullable=True),
        sa.Column("agreed_by_id", sa.String(length=36), nullable=True),
        sa.Column(
            "agreed_with",
            sa.Enum("person", "representative", name="agreedwith", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("representative_name", sa.String(length=200), nullable=False),
        sa.Column("representative_role", sa.String(length=200), nullable=False),
        sa.Column("declined_reason", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("review_responsible_name", sa.String(length=200), nullable=False),
        sa.Column("review_responsible_role", sa.String(length=200), nullable=False),
        sa.Column("review_responsible_contact", sa.String(length=200), nullable=False),
        sa.Column("lead_coordinator_name", sa.String(length=200), nullable=False),
        sa.Column("lead_coordinator_role", sa.String(length=200), nullable=False),
        sa.Column("lead_coordinator_contact", sa.String(length=200), nullable=False),
        sa.Column("performing_professional_name", sa.String(length=200), nullable=False),
        sa.Column("performing_professional_role", sa.String(length=200), nullable=False),
        sa.Column("performing_professional_id", sa.String(length=60), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("care_funding", sa.String(length=200), nullable=False),
        sa.Column("consent_to_share", sa.Boolean(), nullable=True),
        sa.Column("consent_shared_with", sa.Text(), nullable=False),
        sa.Column("other_documents", sa.Text(), nullable=False),
        sa.Column("copies_given_to", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreed_by_id"], ["app_user.id"], name=op.f("fk_care_plan_agreed_by_id_app_user")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_care_plan_person_id_person"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["app_user.id"], name=op.f("fk_care_plan_started_by_id_app_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_plan")),
    )
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_plan_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_care_plan_status"), ["status"], unique=False)

    op.create_table(
        "person_address",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("line1", sa.String(length=200), nullable=False),
        sa.Column("line2", sa.String(length=200), nullable=False),
        sa.Column("line3", sa.String(length=200), nullable=False),
        sa.Column("line4", sa.String(length=200), nullable=False),
        sa.Column("line5", sa.String(length=200), nullable=False),
        sa.Column("postcode", sa.String(length=10), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_address_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_address")),
    )
    with op.batch_alter_table("person_address", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_address_person_id"), ["person_id"], unique=False)

    op.create_table(
        "person_communication_need",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column(
            "need",
            sa.Enum(
                "large_print",
                "easy_read",
                "braille",
                "bsl",
                "interpreter",
                "hearing_loop",
                "other",
                name="communicationneed",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["person.id"],
            name=op.f("fk_person_communication_need_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_communication_need")),
    )
    with op.batch_alter_table("person_communication_need", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_person_communication_need_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "person_telecom",
        sa.Column("person_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("system", sa.String(length=10), nullable=False),
        sa.Column("value", sa.String(length=200), nullable=False),
        sa.Column("use", sa.String(length=20), nullable=False),
        sa.Column("preference", sa.Integer(), nullable=True),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_telecom_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_telecom")),
    )
    with op.batch_alter_table("person_telecom", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_person_telecom_person_id"), ["person_id"], unique=False)

    op.create_table(
        "about_me",
        sa.Column("what_matters", sa.Text(), nullable=False),
        sa.Column("people_important", sa.Text(), nullable=False),
        sa.Column("how_i_communicate", sa.Text(), nullable=False),
        sa.Column("my_wellness", sa.Text(), nullable=False),
        sa.Column("please_do", sa.Text(), nullable=False),
        sa.Column("please_dont", sa.Text(), nullable=False),
        sa.Column("how_to_support_me", sa.Text(), nullable=False),
        sa.Column("also_worth_knowing", sa.Text(), nullable=False),
        sa.Column("supported_to_write_by", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_about_me_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_about_me")),
    )
    with op.batch_alter_table("about_me", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_about_me_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "additional_support_plan",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("content", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("review_responsible", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_additional_support_plan_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_additional_support_plan")),
    )
    with op.batch_alter_table("additional_support_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_additional_support_plan_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "allergy",
        sa.Column("substance", sa.String(length=300), nullable=False),
        sa.Column("reaction", sa.String(length=300), nullable=False),
        sa.Column("severity", sa.String(length=40), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_allergy_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allergy")),
    )
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_allergy_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "care_team_member",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("speciality", sa.String(length=200), nullable=False),
        sa.Column("team", sa.String(length=200), nullable=False),
        sa.Column("organisation", sa.String(length=300), nullable=False),
        sa.Column("organisation_code", sa.String(length=20), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("is_key_worker", sa.Boolean(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=True),
        sa.Column("end_date", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_care_team_member_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team_member")),
    )
    with op.batch_alter_table("care_team_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_care_team_member_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "condition",
        sa.Column("snomed_code", sa.String(length=20), nullable=False),
        sa.Column("term", sa.String(length=300), nullable=False),
        sa.Column("plain_name", sa.String(length=300), nullable=False),
        sa.Column("diagnosed", sa.String(length=40), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_condition_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_condition")),
    )
    with op.batch_alter_table("condition", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_condition_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "contingency_plan",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("condition", sa.String(length=300), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("warning_signs", sa.JSON(), nullable=False),
        sa.Column("coping_strategies", sa.JSON(), nullable=False),
        sa.Column("anticipatory_medicines", sa.JSON(), nullable=False),
        sa.Column("green_what_i_do", sa.Text(), nullable=False),
        sa.Column("amber_what_i_do", sa.Text(), nullable=False),
        sa.Column("red_what_i_do", sa.Text(), nullable=False),
        sa.Column("admission_wishes", sa.Text(), nullable=False),
        sa.Column("avoid_hospital_admission", sa.Boolean(), nullable=False),
        sa.Column("ceiling_of_treatment", sa.Text(), nullable=False),
        sa.Column("review_date", sa.Date(), nullable=True),
        sa.Column("review_responsible", sa.String(length=300), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_contingency_plan_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contingency_plan")),
    )
    with op.batch_alter_table("contingency_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contingency_plan_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "future_wishes",
        sa.Column("wishes_to_discuss", sa.Boolean(), nullable=False),
        sa.Column("lpa_health_welfare_exists", sa.Boolean(), nullable=True),
        sa.Column("lpa_health_welfare_name", sa.String(length=300), nullable=False),
        sa.Column("lpa_health_welfare_registered", sa.Boolean(), nullable=True),
        sa.Column("lpa_health_welfare_location", sa.String(length=300), nullable=False),
        sa.Column("lpa_property_finance_exists", sa.Boolean(), nullable=True),
        sa.Column("lpa_property_finance_name", sa.String(length=300), nullable=False),
        sa.Column("lpa_property_finance_registered", sa.Boolean(), nullable=True),
        sa.Column("lpa_property_finance_location", sa.String(length=300), nullable=False),
        sa.Column("adrt_exists", sa.Boolean(), nullable=True),
        sa.Column("adrt_summary", sa.Text(), nullable=False),
        sa.Column("adrt_location", sa.String(length=300), nullable=False),
        sa.Column("adrt_date", sa.Date(), nullable=True),
        sa.Column("advance_statement_exists", sa.Boolean(), nullable=True),
        sa.Column("advance_statement_summary", sa.Text(), nullable=False),
        sa.Column("advance_statement_location", sa.String(length=300), nullable=False),
        sa.Column("advance_statement_date", sa.Date(), nullable=True),
        sa.Column("mental_capacity_notes", sa.Text(), nullable=False),
        sa.Column("preferred_place_of_care", sa.String(length=300), nullable=False),
        sa.Column("preferred_place_of_death", sa.String(length=300), nullable=False),
        sa.Column(
            "cpr_decision",
            sa.Enum(
                "not_discussed", "for_cpr", "not_for_cpr", name="cprdecision", native_enum=False, length=20
            ),
            nullable=False,
        ),
        sa.Column("cpr_decision_date", sa.Date(), nullable=True),
        sa.Column("cpr_decision_by", sa.String(length=300), nullable=False),
        sa.Column("cpr_discussed_with_person", sa.Boolean(), nullable=True),
        sa.Column("cpr_form_location", sa.String(length=300), nullable=False),
        sa.Column("cpr_review_date", sa.Date(), nullable=True),
        sa.Column("respect_form_location", sa.String(length=300), nullable=False),
        sa.Column("organ_donation", sa.Text(), nullable=False),
        sa.Column("people_to_inform", sa.Text(), nullable=False),
        sa.Column("spiritual_needs", sa.Text(), nullable=False),
        sa.Column("other_wishes", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_future_wishes_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_future_wishes")),
    )
    with op.batch_alter_table("future_wishes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_future_wishes_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "goal",
        sa.Column("need_lineage_id", sa.String(length=36), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("importance", sa.Integer(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "achieved",
                "partly_achieved",
                "not_achieved",
                "no_longer_wanted",
                name="goalstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("outcome_recorded_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_goal_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal")),
    )
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "holistic_review",
        sa.Column(
            "carer_status",
            sa.Enum(
                "not_a_carer",
                "is_a_carer",
                "has_a_carer",
                "both",
                "not_known",
                name="carerstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("carer_details", sa.Text(), nullable=False),
        sa.Column("social_context", sa.Text(), nullable=False),
        sa.Column("loneliness_notes", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_holistic_review_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holistic_review")),
    )
    with op.batch_alter_table("holistic_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_holistic_review_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "information_given",
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_information_given_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_information_given")),
    )
    with op.batch_alter_table("information_given", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_information_given_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "medical_review",
        sa.Column("frailty_score", sa.Integer(), nullable=True),
        sa.Column("frailty_assessed_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_medical_review_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medical_review")),
    )
    with op.batch_alter_table("medical_review", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medical_review_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "medicine",
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("dose", sa.String(length=200), nullable=False),
        sa.Column("how_taken", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=300), nullable=False),
        sa.Column(
            "decision",
            sa.Enum(
                "continue",
                "change",
                "stop",
                "start",
                "not_reviewed",
                name="medicinedecision",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_medicine_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine")),
    )
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medicine_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "need",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_need_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_need")),
    )
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_need_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "personal_contact",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("relationship_to_person", sa.String(length=200), nullable=False),
        sa.Column("is_carer", sa.Boolean(), nullable=False),
        sa.Column("is_next_of_kin", sa.Boolean(), nullable=False),
        sa.Column("is_emergency_contact", sa.Boolean(), nullable=False),
        sa.Column("is_lpa_holder", sa.Boolean(), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("comments", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_personal_contact_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_personal_contact")),
    )
    with op.batch_alter_table("personal_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_personal_contact_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "questionnaire_result",
        sa.Column(
            "kind",
            sa.Enum(
                "phq2",
                "phq9",
                "gad2",
                "gad7",
                "ucla3",
                "ons_loneliness",
                name="questionnairekind",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("answers", sa.JSON(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=True),
        sa.Column("band", sa.String(length=60), nullable=False),
        sa.Column("safety_flag", sa.Boolean(), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_questionnaire_result_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_questionnaire_result")),
    )
    with op.batch_alter_table("questionnaire_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_questionnaire_result_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "referral",
        sa.Column(
            "kind",
            sa.Enum("referral", "signposting", name="referralkind", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("service", sa.String(length=300), nullable=False),
        sa.Column("contact", sa.String(length=300), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "suggested",
                "referred",
                "accepted",
                "declined",
                "completed",
                name="referralstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("made_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_referral_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "strength",
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_strength_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength")),
    )
    with op.batch_alter_table("strength", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_strength_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "test_result",
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("value", sa.String(length=100), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("taken_on", sa.Date(), nullable=True),
        sa.Column("plain_note", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_test_result_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_result")),
    )
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_result_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "wellbeing_rating",
        sa.Column(
            "area",
            sa.Enum(
                "lifestyle",
                "looking_after_yourself",
                "managing_symptoms",
                "work_and_activities",
                "money",
                "where_you_live",
                "family_and_friends",
                "feeling_positive",
                name="wellbeingarea",
                native_enum=False,
                length=30,
            ),
            nullable=False,
        ),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_wellbeing_rating_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_wellbeing_rating")),
    )
    with op.batch_alter_table("wellbeing_rating", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_wellbeing_rating_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "contingency_contact",
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("contingency_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column(
            "zone",
            sa.Enum("green", "amber", "red", name="zone", native_enum=False, length=10),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=200), nullable=False),
        sa.Column("role_key", sa.String(length=40), nullable=False),
        sa.Column("phone", sa.String(length=60), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contingency_id"],
            ["contingency_plan.id"],
            name=op.f("fk_contingency_contact_contingency_id_contingency_plan"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["care_plan.id"],
            name=op.f("fk_contingency_contact_plan_id_care_plan"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contingency_contact")),
    )
    with op.batch_alter_table("contingency_contact", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contingency_contact_contingency_id"), ["contingency_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_contingency_contact_plan_id"), ["plan_id"], unique=False)

    op.create_table(
        "goal_action",
        sa.Column("goal_id", sa.String(length=36), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("who_name", sa.String(length=200), nullable=False),
        sa.Column("who_role", sa.String(length=200), nullable=False),
        sa.Column("who_contact", sa.String(length=200), nullable=False),
        sa.Column("when", sa.String(length=200), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "planned",
                "in_progress",
                "done",
                "not_done",
                "refused",
                name="actionstatus",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column("strategies", sa.Text(), nullable=False),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("plan_id", sa.String(length=36), nullable=False),
        sa.Column("lineage_id", sa.String(length=36), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("row_version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["goal.id"], name=op.f("fk_goal_action_goal_id_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["care_plan.id"], name=op.f("fk_goal_action_plan_id_care_plan"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_goal_action")),
    )
    with op.batch_alter_table("goal_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_goal_action_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_goal_action_plan_id"), ["plan_id"], unique=False)
    create_guards()


def downgrade() -> None:
    with op.batch_alter_table("goal_action", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_action_plan_id"))
        batch_op.drop_index(batch_op.f("ix_goal_action_goal_id"))

    op.drop_table("goal_action")
    with op.batch_alter_table("contingency_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contingency_contact_plan_id"))
        batch_op.drop_index(batch_op.f("ix_contingency_contact_contingency_id"))

    op.drop_table("contingency_contact")
    with op.batch_alter_table("wellbeing_rating", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_wellbeing_rating_plan_id"))

    op.drop_table("wellbeing_rating")
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_result_plan_id"))

    op.drop_table("test_result")
    with op.batch_alter_table("strength", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_strength_plan_id"))

    op.drop_table("strength")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_plan_id"))

    op.drop_table("referral")
    with op.batch_alter_table("questionnaire_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_questionnaire_result_plan_id"))

    op.drop_table("questionnaire_result")
    with op.batch_alter_table("personal_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_personal_contact_plan_id"))

    op.drop_table("personal_contact")
    with op.batch_alter_table("need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_need_plan_id"))

    op.drop_table("need")
    with op.batch_alter_table("medicine", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medicine_plan_id"))

    op.drop_table("medicine")
    with op.batch_alter_table("medical_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medical_review_plan_id"))

    op.drop_table("medical_review")
    with op.batch_alter_table("information_given", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_information_given_plan_id"))

    op.drop_table("information_given")
    with op.batch_alter_table("holistic_review", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_holistic_review_plan_id"))

    op.drop_table("holistic_review")
    with op.batch_alter_table("goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_goal_plan_id"))

    op.drop_table("goal")
    with op.batch_alter_table("future_wishes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_future_wishes_plan_id"))

    op.drop_table("future_wishes")
    with op.batch_alter_table("contingency_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contingency_plan_plan_id"))

    op.drop_table("contingency_plan")
    with op.batch_alter_table("condition", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_condition_plan_id"))

    op.drop_table("condition")
    with op.batch_alter_table("care_team_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_team_member_plan_id"))

    op.drop_table("care_team_member")
    with op.batch_alter_table("allergy", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_allergy_plan_id"))

    op.drop_table("allergy")
    with op.batch_alter_table("additional_support_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_additional_support_plan_plan_id"))

    op.drop_table("additional_support_plan")
    with op.batch_alter_table("about_me", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_about_me_plan_id"))

    op.drop_table("about_me")
    with op.batch_alter_table("person_telecom", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_telecom_person_id"))

    op.drop_table("person_telecom")
    with op.batch_alter_table("person_communication_need", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_communication_need_person_id"))

    op.drop_table("person_communication_need")
    with op.batch_alter_table("person_address", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_address_person_id"))

    op.drop_table("person_address")
    with op.batch_alter_table("care_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_care_plan_status"))
        batch_op.drop_index(batch_op.f("ix_care_plan_person_id"))

    op.drop_table("care_plan")
    op.drop_table("practice")
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_person_search_name"))
        batch_op.drop_index(batch_op.f("ix_person_review_due"))
        batch_op.drop_index(batch_op.f("ix_person_nhs_number"))
        batch_op.drop_index(batch_op.f("ix_person_last_agreed_on"))
        batch_op.drop_index(batch_op.f("ix_person_has_draft"))
        batch_op.drop_index(batch_op.f("ix_person_family_name"))
        batch_op.drop_index(batch_op.f("ix_person_date_of_birth"))

    op.drop_table("person")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_user_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_person_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
    op.drop_table("app_user")
