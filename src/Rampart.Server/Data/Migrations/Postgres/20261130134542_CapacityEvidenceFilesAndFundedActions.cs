using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class CapacityEvidenceFilesAndFundedActions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "MaturityEvidenceFiles",
                columns: table => new
                {
                    AssessmentRecordId = table.Column<long>(type: "bigint", nullable: false),
                    AttachmentId = table.Column<Guid>(type: "uuid", nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MaturityEvidenceFiles", x => new { x.AssessmentRecordId, x.AttachmentId });
                    table.ForeignKey(
                        name: "FK_MaturityEvidenceFiles_IncidentAttachments_AttachmentId",
                        column: x => x.AttachmentId,
                        principalTable: "IncidentAttachments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MaturityEvidenceFiles_MaturityRatings_AssessmentRecordId_Pa~",
                        columns: x => new { x.AssessmentRecordId, x.ParameterId },
                        principalTable: "MaturityRatings",
                        principalColumns: new[] { "AssessmentRecordId", "ParameterId" },
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActions_FundingProjectId_Id",
                table: "CapacityPlanActions",
                columns: new[] { "FundingProjectId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_MaturityEvidenceFiles_AssessmentRecordId_ParameterId",
                table: "MaturityEvidenceFiles",
                columns: new[] { "AssessmentRecordId", "ParameterId" });

            migrationBuilder.CreateIndex(
                name: "IX_MaturityEvidenceFiles_AttachmentId",
                table: "MaturityEvidenceFiles",
                column: "AttachmentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "MaturityEvidenceFiles");

            migrationBuilder.DropIndex(
                name: "IX_CapacityPlanActions_FundingProjectId_Id",
                table: "CapacityPlanActions");
        }
    }
}
