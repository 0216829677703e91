using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
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

            migrationBuilder.AddColumn<long>(
                name: "ConsentGivenAt",
                table: "TrainingPeople",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<Guid>(
                name: "ConsentGivenBy",
                table: "TrainingPeople",
                type: "TEXT",
                nullable: true);

            // Records from before consent was stored: consented when created, by nobody recorded (ConsentGivenBy null).
            migrationBuilder.Sql("UPDATE \"TrainingPeople\" SET \"ConsentGivenAt\" = \"CreatedAt\";");

            migrationBuilder.AlterColumn<long>(
                name: "PersonRecordId",
                table: "TrainingCertificates",
                type: "INTEGER",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "INTEGER");

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
            // no place for them. Going back refuses while any exist (SQLite has no RAISE outside triggers: a CHECK whose
            // name is the message) instead of deleting issued certificates.
            migrationBuilder.Sql("""
                CREATE TEMP TABLE "TrainingConsentDownCheck" ("Detached" INTEGER,
                    CONSTRAINT "detached training certificates exist: revoke and delete them before reverting TrainingConsent" CHECK ("Detached" = 0));
                INSERT INTO "TrainingConsentDownCheck" SELECT COUNT(*) FROM "TrainingCertificates" WHERE "PersonRecordId" IS NULL;
                DROP TABLE "TrainingConsentDownCheck";
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
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "INTEGER",
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
