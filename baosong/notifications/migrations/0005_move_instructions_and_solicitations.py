"""Instructions and solicitations now live in their own apps (instructions 0001, solicitations 0001).

State only: their tables keep their names and rows; this app (label "notices", package
baosong/notifications) keeps the Notification model alone."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notices', '0004_solicitation_notice_kind'),
        ('instructions', '0001_initial'),
        ('solicitations', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name='InstructionFeedback'),
                migrations.DeleteModel(name='InstructionAssignment'),
                migrations.DeleteModel(name='Instruction'),
                migrations.DeleteModel(name='SolicitationTarget'),
                migrations.DeleteModel(name='Solicitation'),
            ],
            database_operations=[],
        ),
    ]
