using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TrainingConsent : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_TrainingCertificates_TrainingPeople_PersonRecordId",
                table: "TrainingCertificates");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "ConsentGivenAt",
                table: "TrainingPeople",
                type: "timestamp with time zone",
                nullable: false,
                defaultValue: new DateTimeOffset(new DateTime(1, 1, 1, 0, 0, 0, 0, DateTimeKind.Unspecified), new TimeSpan(0, 0, 0, 0, 0)));

            migrationBuilder.AddColumn<Guid>(
                name: "ConsentGivenBy",
                table: "TrainingPeople",
                type: "uuid",
                nullable: true);

            // Records from before consent was stored: consented when created, by nobody recorded (ConsentGivenBy null).
            migrationBuilder.Sql("UPDATE \"TrainingPeople\" SET \"ConsentGivenAt\" = \"CreatedAt\";");

            migrationBuilder.AlterColumn<long>(
                name: "PersonRecordId",
                table: "TrainingCertificates",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddForeignKey(
                name: "FK_TrainingCertificates_TrainingPeople_PersonRecordId",
                table: "TrainingCertificates",
                column: "PersonRecordId",
                principalTable: "TrainingPeople",
                principalColumn: "RecordId",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Certificates the node issued outlive a withdrawn person (detached, PersonRecordId NULL); the older schema has
            // no place for them. Going back refuses while any exist instead of deleting issued certificates.
            migrationBuilder.Sql("""
                DO $$
                BEGIN
                    IF EXISTS (SELECT 1 FROM "TrainingCertificates" WHERE "PersonRecordId" IS NULL) THEN
                        RAISE EXCEPTION 'TrainingConsent cannot be reverted: detached training certificates exist (PersonRecordId IS NULL); revoke and delete them first.';
                    END IF;
                END $$;
                """);

            migrationBuilder.DropForeignKey(
                name: "FK_TrainingCertificates_TrainingPeople_PersonRecordId",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "ConsentGivenAt",
                table: "TrainingPeople");

            migrationBuilder.DropColumn(
                name: "ConsentGivenBy",
                table: "TrainingPeople");

            migrationBuilder.AlterColumn<long>(
                name: "PersonRecordId",
                table: "TrainingCertificates",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);

            migrationBuilder.AddForeignKey(
                name: "FK_TrainingCertificates_TrainingPeople_PersonRecordId",
                table: "TrainingCertificates",
                column: "PersonRecordId",
                principalTable: "TrainingPeople",
                principalColumn: "RecordId",
                onDelete: ReferentialAction.Cascade);
        }
    }
}
