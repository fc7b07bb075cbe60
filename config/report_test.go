package config_test

import (
	"strings"
	"testing"
	"time"

	"github.com/strazh/strazh/config"
)

func TestParse_Report(t *testing.T) {
	const tg = "telegram: {token_env: X, chat_id: -5, moderators: [1]}\n"
	const mx = "review:\n  max: {token_env: X, chat_id: -70, moderators: [1]}\n"
	tests := []struct {
		name, yaml string
		want       string // in the error; "" no error
		report     config.Report
	}{
		{"default off", base, "", config.Report{Period: "week", Format: "html"}},
		{"weekly to telegram", base + tg + "report: {every: 168h}\n", "", config.Report{Every: 168 * time.Hour, Period: "week", Format: "html"}},
		{"monthly md to max", base + mx + "report: {every: 720h, period: month, format: md}\n", "", config.Report{Every: 720 * time.Hour, Period: "month", Format: "md"}},
		{"no review chat", base + "report: {every: 168h}\n", "c.yaml:7: report.every: the report goes to the review chat", config.Report{}},
		{"too often", base + tg + "report: {every: 10m}\n", "report.every: 10m0s: want at least 1h", config.Report{}},
		{"bad period", base + tg + "report: {every: 168h, period: year}\n", `report.period: "year": want week or month`, config.Report{}},
		{"pdf is not sent", base + tg + "report: {every: 168h, format: pdf}\n", `report.format: "pdf": want html or md`, config.Report{}},
		{"unknown key", base + tg + "report: {each: 168h}\n", "report.each: unknown key", config.Report{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := config.Parse("c.yaml", []byte(tt.yaml))
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if cfg.Report != tt.report {
					t.Errorf("report %+v, want %+v", cfg.Report, tt.report)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}
