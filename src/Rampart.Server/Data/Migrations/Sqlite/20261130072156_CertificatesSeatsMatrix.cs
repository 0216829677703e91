using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CertificatesSeatsMatrix : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_TrainingEnrolments_SessionId",
                table: "TrainingEnrolments");

            migrationBuilder.AddColumn<Guid>(
                name: "IssuerOrganisationId",
                table: "TrainingCertificates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PrintedName",
                table: "TrainingCertificates",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "TrainingCertificates",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "SessionId",
                table: "TrainingCertificates",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "VerificationCode",
                table: "TrainingCertificates",
                type: "TEXT",
                maxLength: 20,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "TrainingCourseParameters",
                columns: table => new
                {
                    CourseRecordId = table.Column<long>(type: "INTEGER", nullable: false),
                    ParameterId = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingCourseParameters", x => new { x.CourseRecordId, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_TrainingCourseParameters_TrainingCourses_CourseRecordId",
                        column: x => x.CourseRecordId,
                        principalTable: "TrainingCourses",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TrainingNeeds",
                columns: table => new
                {
                    OrganisationId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FrameworkKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ProfileId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    Level = table.Column<short>(type: "INTEGER", nullable: false),
                    ModifiedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TrainingNeeds", x => new { x.OrganisationId, x.FrameworkKey, x.ProfileId });
                    table.ForeignKey(
                        name: "FK_TrainingNeeds_EcsfProfiles_FrameworkKey_ProfileId",
                        columns: x => new { x.FrameworkKey, x.ProfileId },
                        principalTable: "EcsfProfiles",
                        principalColumns: new[] { "FrameworkKey", "ProfileId" },
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingEnrolments_SessionId_PersonRecordId",
                table: "TrainingEnrolments",
                columns: new[] { "SessionId", "PersonRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCertificates_VerificationCode",
                table: "TrainingCertificates",
                column: "VerificationCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TrainingCourseParameters_ParameterId_CourseRecordId",
                table: "TrainingCourseParameters",
                columns: new[] { "ParameterId", "CourseRecordId" });

            migrationBuilder.CreateIndex(
                name: "IX_TrainingNeeds_FrameworkKey_ProfileId",
                table: "TrainingNeeds",
                columns: new[] { "FrameworkKey", "ProfileId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TrainingCourseParameters");

            migrationBuilder.DropTable(
                name: "TrainingNeeds");

            migrationBuilder.DropIndex(
                name: "IX_TrainingEnrolments_SessionId_PersonRecordId",
                table: "TrainingEnrolments");

            migrationBuilder.DropIndex(
                name: "IX_TrainingCertificates_VerificationCode",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "IssuerOrganisationId",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "PrintedName",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "SessionId",
                table: "TrainingCertificates");

            migrationBuilder.DropColumn(
                name: "VerificationCode",
                table: "TrainingCertificates");

            migrationBuilder.CreateIndex(
                name: "IX_TrainingEnrolments_SessionId",
                table: "TrainingEnrolments",
                column: "SessionId");
        }
    }
}
