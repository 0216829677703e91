using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddCapacityPlans : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CapacityPlans",
                columns: table => new
                {
                    RecordId = table.Column<long>(type: "bigint", nullable: false),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationId = table.Column<Guid>(type: "uuid", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Kind = table.Column<int>(type: "integer", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    ModelKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    SourceAssessmentId = table.Column<Guid>(type: "uuid", nullable: true),
                    TargetProfileId = table.Column<Guid>(type: "uuid", nullable: true),
                    TargetGroups = table.Column<int>(type: "integer", nullable: false),
                    CreatedByUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlans", x => x.RecordId);
                    table.ForeignKey(
                        name: "FK_CapacityPlans_SharedRecords_RecordId",
                        column: x => x.RecordId,
                        principalTable: "SharedRecords",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Number = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true),
                    Owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StartDate = table.Column<DateOnly>(type: "date", nullable: true),
                    DueDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Status = table.Column<int>(type: "integer", nullable: false),
                    Budget = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: true),
                    Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: true),
                    Funding = table.Column<int>(type: "integer", nullable: false),
                    FundingProjectId = table.Column<Guid>(type: "uuid", nullable: true),
                    SourceKind = table.Column<int>(type: "integer", nullable: true),
                    SourceId = table.Column<Guid>(type: "uuid", nullable: true),
                    TemplateKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    ModifiedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActions_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanCampaigns",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    StartDate = table.Column<DateOnly>(type: "date", nullable: true),
                    EndDate = table.Column<DateOnly>(type: "date", nullable: true),
                    Languages = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanCampaigns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanCampaigns_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanIndicators",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Unit = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Target = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: true),
                    LowerIsBetter = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanIndicators", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanIndicators_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanStatusChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    ActionId = table.Column<Guid>(type: "uuid", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Status = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanStatusChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanStatusChanges_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanTitleTerms",
                columns: table => new
                {
                    Term = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    RecordId = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanTitleTerms", x => new { x.Term, x.RecordId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanTitleTerms_CapacityPlans_RecordId",
                        column: x => x.RecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionDependencies",
                columns: table => new
                {
                    ActionId = table.Column<Guid>(type: "uuid", nullable: false),
                    DependsOnId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionDependencies", x => new { x.ActionId, x.DependsOnId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionDependencies_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionDependencies_CapacityPlanActions_DependsO~",
                        column: x => x.DependsOnId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionNotes",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ActionId = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    AuthorUserId = table.Column<Guid>(type: "uuid", nullable: false),
                    Text = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionNotes", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionNotes_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanActionParameters",
                columns: table => new
                {
                    ActionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ParameterId = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    TargetLevel = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanActionParameters", x => new { x.ActionId, x.ParameterId });
                    table.ForeignKey(
                        name: "FK_CapacityPlanActionParameters_CapacityPlanActions_ActionId",
                        column: x => x.ActionId,
                        principalTable: "CapacityPlanActions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanMaterials",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    PlanRecordId = table.Column<long>(type: "bigint", nullable: false),
                    CampaignId = table.Column<Guid>(type: "uuid", nullable: true),
                    Title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanMaterials", x => x.Id);
                    table.ForeignKey(
                        name: "FK_CapacityPlanMaterials_CapacityPlanCampaigns_CampaignId",
                        column: x => x.CampaignId,
                        principalTable: "CapacityPlanCampaigns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_CapacityPlanMaterials_CapacityPlans_PlanRecordId",
                        column: x => x.PlanRecordId,
                        principalTable: "CapacityPlans",
                        principalColumn: "RecordId",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "CapacityPlanIndicatorValues",
                columns: table => new
                {
                    IndicatorId = table.Column<Guid>(type: "uuid", nullable: false),
                    Date = table.Column<DateOnly>(type: "date", nullable: false),
                    Value = table.Column<decimal>(type: "numeric(18,4)", precision: 18, scale: 4, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CapacityPlanIndicatorValues", x => new { x.IndicatorId, x.Date });
                    table.ForeignKey(
                        name: "FK_CapacityPlanIndicatorValues_CapacityPlanIndicators_Indicato~",
                        column: x => x.IndicatorId,
                        principalTable: "CapacityPlanIndicators",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActionDependencies_DependsOnId",
                table: "CapacityPlanActionDependencies",
                column: "DependsOnId");

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActionNotes_ActionId_Id",
                table: "CapacityPlanActionNotes",
                columns: new[] { "ActionId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanActions_PlanRecordId_Number",
                table: "CapacityPlanActions",
                columns: new[] { "PlanRecordId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanCampaigns_PlanRecordId_Id",
                table: "CapacityPlanCampaigns",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanIndicators_PlanRecordId_Id",
                table: "CapacityPlanIndicators",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanMaterials_CampaignId",
                table: "CapacityPlanMaterials",
                column: "CampaignId");

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanMaterials_PlanRecordId_Id",
                table: "CapacityPlanMaterials",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlans_Id",
                table: "CapacityPlans",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanStatusChanges_PlanRecordId_Id",
                table: "CapacityPlanStatusChanges",
                columns: new[] { "PlanRecordId", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanTitleTerms_RecordId",
                table: "CapacityPlanTitleTerms",
                column: "RecordId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CapacityPlanActionDependencies");

            migrationBuilder.DropTable(
                name: "CapacityPlanActionNotes");

            migrationBuilder.DropTable(
                name: "CapacityPlanActionParameters");

            migrationBuilder.DropTable(
                name: "CapacityPlanIndicatorValues");

            migrationBuilder.DropTable(
                name: "CapacityPlanMaterials");

            migrationBuilder.DropTable(
                name: "CapacityPlanStatusChanges");

            migrationBuilder.DropTable(
                name: "CapacityPlanTitleTerms");

            migrationBuilder.DropTable(
                name: "CapacityPlanActions");

            migrationBuilder.DropTable(
                name: "CapacityPlanIndicators");

            migrationBuilder.DropTable(
                name: "CapacityPlanCampaigns");

            migrationBuilder.DropTable(
                name: "CapacityPlans");
        }
    }
}
