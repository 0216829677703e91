using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class MaterialFiles : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<string>(
                name: "Url",
                table: "CapacityPlanMaterials",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true,
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000);

            migrationBuilder.AddColumn<Guid>(
                name: "AttachmentId",
                table: "CapacityPlanMaterials",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_CapacityPlanMaterials_AttachmentId",
                table: "CapacityPlanMaterials",
                column: "AttachmentId",
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_CapacityPlanMaterials_IncidentAttachments_AttachmentId",
                table: "CapacityPlanMaterials",
                column: "AttachmentId",
                principalTable: "IncidentAttachments",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_CapacityPlanMaterials_IncidentAttachments_AttachmentId",
                table: "CapacityPlanMaterials");

            migrationBuilder.DropIndex(
                name: "IX_CapacityPlanMaterials_AttachmentId",
                table: "CapacityPlanMaterials");

            migrationBuilder.DropColumn(
                name: "AttachmentId",
                table: "CapacityPlanMaterials");

            migrationBuilder.AlterColumn<string>(
                name: "Url",
                table: "CapacityPlanMaterials",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: false,
                defaultValue: "",
                oldClrType: typeof(string),
                oldType: "character varying(2000)",
                oldMaxLength: 2000,
                oldNullable: true);
        }
    }
}
