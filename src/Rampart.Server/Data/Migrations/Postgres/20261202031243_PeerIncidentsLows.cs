using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Rampart.Server.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class PeerIncidentsLows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "OriginStamp",
                table: "PeerIncidents",
                type: "bigint",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "SentInvitationAt",
                table: "IncidentPeerSent",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "SentStanding",
                table: "IncidentPeerSent",
                type: "integer",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_PeerIncidents_State_UpdatedAt",
                table: "PeerIncidents",
                columns: new[] { "State", "UpdatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_IncidentPeerSent_PeerId_Ended_IncidentRecordId",
                table: "IncidentPeerSent",
                columns: new[] { "PeerId", "Ended", "IncidentRecordId" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_PeerIncidents_State_UpdatedAt",
                table: "PeerIncidents");

            migrationBuilder.DropIndex(
                name: "IX_IncidentPeerSent_PeerId_Ended_IncidentRecordId",
                table: "IncidentPeerSent");

            migrationBuilder.DropColumn(
                name: "OriginStamp",
                table: "PeerIncidents");

            migrationBuilder.DropColumn(
                name: "SentInvitationAt",
                table: "IncidentPeerSent");

            migrationBuilder.DropColumn(
                name: "SentStanding",
                table: "IncidentPeerSent");
        }
    }
}
