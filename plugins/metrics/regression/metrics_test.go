package main

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mledojo/dojo/core"
	"github.com/mledojo/dojo/pluginapi"
	"github.com/mledojo/dojo/sdk/plugintest"
)

// familyCase is one score of a file pair through the served plugin.
// servedMetrics returns the host's view of this plugin's metrics, over real gRPC.
func servedMetrics(t *testing.T) *pluginapi.MetricClient {
	t.Helper()
	return plugintest.Serve(t, components()...).Metrics
}

// familyCase is one score of a file pair through the served plugin.
type familyCase struct {
	name       string
	metric     string
	answers    string
	submission string
	params     core.Params
}

func (c familyCase) score(t *testing.T, metrics *pluginapi.MetricClient) (pluginapi.ScoreResponse, error) {
	t.Helper()
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	return metrics.Component(c.metric).Score(context.Background(), pluginapi.ScoreRequest{
		AnswersPath: write("answers.csv", c.answers), SubmissionPath: write("submission.csv", c.submission), Params: c.params,
	})
}

func TestMetrics_ScoreTheCompetitionsDefinitions(t *testing.T) {
	rmsle := func(t, p float64) float64 { d := math.Log1p(t) - math.Log1p(p); return d * d }
	laplace := func(t, p, sigma float64) float64 {
		sd := max(sigma, 70)
		return -math.Sqrt2*min(math.Abs(t-p), 1000)/sd - math.Log(math.Sqrt2*sd)
	}
	tests := []struct {
		familyCase
		want float64
		rows int64
	}{
		{familyCase{"smape counts a 0/0 row as 0", "smape",
			"id,y\n1,0\n2,1\n3,2\n", "id,y\n1,0\n2,3\n3,2\n", nil}, 100 * (0 + 1 + 0) / 3.0, 3},
		{familyCase{"smape with another 0/0 term and scale", "smape",
			"id,y\n1,0\n2,1\n", "id,y\n1,0\n2,3\n", core.Params{"zero_zero": 2, "scale": 1}}, (2 + 1) / 2.0, 2},
		{familyCase{"rmspe leaves out zero truths", "rmspe",
			"id,y\n1,0\n2,2\n3,4\n", "id,y\n1,100\n2,1\n3,4\n", nil}, math.Sqrt(0.25 / 2), 3},
		{familyCase{"medae of an even count averages the middle errors", "medae",
			"id,y\n1,1\n2,2\n3,3\n4,4\n", "id,y\n4,8\n1,1\n2,3\n3,6\n", nil}, 2, 4},
		{familyCase{"mcrmse averages per-column RMSEs", "mcrmse",
			"id,a,b\n1,0,0\n2,0,0\n", "id,a,b\n1,3,1\n2,3,1\n", nil}, (3 + 1) / 2.0, 2},
		{familyCase{"rmse pooled scores every cell at once", "rmse",
			"id,a,b\n1,0,0\n2,0,0\n", "id,a,b\n1,3,1\n2,3,1\n", core.Params{"pooled": true}}, math.Sqrt(5), 2},
		{familyCase{"rmsle aggregation pooled", "rmsle",
			"id,a,b\n1,0,1\n", "id,a,b\n1,1,3\n", core.Params{"aggregation": "pooled"}}, math.Sqrt((rmsle(0, 1) + rmsle(1, 3)) / 2), 1},
		{familyCase{"mc_rmsle averages per-column RMSLEs", "mc_rmsle",
			"id,a,b\n1,0,1\n", "id,a,b\n1,1,3\n", nil}, (math.Sqrt(rmsle(0, 1)) + math.Sqrt(rmsle(1, 3))) / 2, 1},
		{familyCase{"rmsle clip_negative clips both columns at 0", "rmsle",
			"id,y\n1,-2\n2,1\n", "id,y\n1,-5\n2,3\n", core.Params{"clip_negative": true}}, math.Sqrt(rmsle(1, 3) / 2), 2},
		{familyCase{"rmsle allow_negative takes values above -1", "rmsle",
			"id,y\n1,0\n", "id,y\n1,-0.5\n", core.Params{"allow_negative": true}}, math.Abs(math.Log1p(-0.5)), 1},
		{familyCase{"mae filter scores only u_out == 0", "mae",
			"id,pressure,u_out\n1,10,0\n2,10,1\n3,20,0\n", "id,pressure\n1,11\n2,99\n3,23\n", core.Params{"filter": map[string]any{"column": "u_out", "op": "==", "value": 0}}}, 2, 2},
		{familyCase{"mcrmse filter on a boolean column, given as text", "mcrmse",
			"id,a,b,keep\n1,0,0,True\n2,0,0,False\n", "id,a,b\n1,2,1\n2,50,50\n", core.Params{"filter": "keep == true"}}, 1.5, 1},
		{familyCase{"filter as JSON text", "mae",
			"id,y,x\n1,0,0.5\n2,0,0.1\n", "id,y\n1,4\n2,8\n", core.Params{"filter": `{"column": "x", "op": ">", "value": 0.4}`}}, 4, 1},
		{familyCase{"skip_missing_truth leaves out empty truths", "mae",
			"id,y\n1,\n2,1\n3,NaN\n", "id,y\n1,5\n2,3\n3,5\n", core.Params{"skip_missing_truth": true}}, 2, 3},
		{familyCase{"weighted_mae with weights from an answers column", "weighted_mae",
			"id,y,weight\n1,0,1\n2,0,3\n", "id,y\n1,4\n2,8\n", core.Params{"weights_column": "weight"}}, (4 + 24) / 4.0, 2},
		{familyCase{"weighted_mae summing weight columns, divided by the count", "weighted_mae",
			"Id,Predicted,Weight_Intraday,Weight_Daily\n1_1,0,2,0\n1_61,0,0,5\n", "Id,Predicted\n1_1,1\n1_61,1\n",
			core.Params{"weights_columns": []any{"Weight_Intraday", "Weight_Daily"}, "normalize": "count"}}, (2 + 5) / 2.0, 2},
		{familyCase{"weighted_mae holiday weeks weigh 5", "weighted_mae",
			"Id,Weekly_Sales,IsHoliday\na,0,False\nb,0,True\n", "Id,Weekly_Sales\na,6\nb,12\n",
			core.Params{"weight_rule": map[string]any{"column": "IsHoliday", "weight_if_true": 5, "weight_otherwise": 1}}}, (6 + 60) / 6.0, 2},
		{familyCase{"weighted_mae per-column weights", "weighted_mae",
			"id,a,b\n1,0,0\n", "id,a,b\n1,1,2\n", core.Params{"weights": []any{3, 1}}}, (3 + 2) / 4.0, 1},
		{familyCase{"normalized_gini of a 0/1 target is 2·AUC-1", "normalized_gini",
			"id,y\n1,0\n2,0\n3,1\n4,1\n", "id,y\n1,0.1\n2,0.4\n3,0.35\n4,0.8\n", nil}, 2*0.75 - 1, 4},
		{familyCase{"normalized_gini of a perfect ordering is 1", "normalized_gini",
			"id,y\n1,3\n2,1\n3,7\n", "id,y\n1,0.5\n2,0.1\n3,0.9\n", nil}, 1, 3},
		{familyCase{"normalized_gini is 0 when the truth has one class", "normalized_gini",
			"id,y\n1,0\n2,0\n", "id,y\n1,0.5\n2,0.1\n", nil}, 0, 2},
		{familyCase{"log_mae averages log group MAEs, floored", "log_mae",
			"id,y,type\n1,0,A\n2,0,A\n3,5,B\n", "id,y\n1,1\n2,3\n3,5\n", core.Params{"group_column": "type"}}, (math.Log(2) + math.Log(1e-9)) / 2, 3},
		{familyCase{"laplace scores each patient's last weeks with a present FVC", "laplace_log_likelihood",
			"Patient_Week,FVC,Patient,Confidence\nP_1,2000,P,100\nP_5,2100,P,100\nP_9,,P,100\nP_12,2200,P,100\nQ_-3,3000,Q,100\n",
			"Patient_Week,FVC,Confidence\nP_1,0,100\nP_5,2150,\nP_9,0,100\nP_12,2000,300\nQ_-3,4500,80\n",
			core.Params{"last_n_per_group": 2, "group_column": "Patient", "target_columns": "FVC"}},
			(laplace(2100, 2150, 0) + laplace(2200, 2000, 300) + laplace(3000, 4500, 80)) / 3, 3},
		{familyCase{"kl_divergence pairs repeated ids in file order", "kl_divergence",
			"eeg_id,a,b\n7,1,1\n7,2,0\n8,0,3\n", "eeg_id,a,b\n7,0.5,0.5\n8,0.25,0.75\n7,0.9,0.1\n",
			core.Params{"normalize_truth": true, "duplicate_ids": "align_in_file_order"}},
			(0 + math.Log(1/0.9) + math.Log(1/0.75)) / 3, 3},
		{familyCase{"mean_angular_error of a quarter turn", "mean_angular_error",
			"event_id,azimuth,zenith\n1,0,0\n2,1,1.5707963267948966\n", "event_id,azimuth,zenith\n1,2,1.5707963267948966\n2,1,1.5707963267948966\n", nil},
			math.Pi / 4, 2},
		{familyCase{"haversine_percentile pairs rows by two key columns", "haversine_percentile",
			"tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees\nt,1,0,0\nt,2,0,0\nu,1,0,0\n",
			"tripId,UnixTimeMillis,LatitudeDegrees,LongitudeDegrees\nu,1,0,0\nt,2,0,1\nt,1,0,0\n",
			core.Params{"id_column": "tripId", "target_columns": "LatitudeDegrees,LongitudeDegrees", "key_columns": "tripId,UnixTimeMillis",
				"group_column": "tripId", "percentiles": []any{50, 100}, "earth_radius_m": 1}},
			((0.5*(math.Pi/180)+math.Pi/180)/2 + 0) / 2, 3},
	}
	metrics := servedMetrics(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, err := tt.score(t, metrics)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(resp.Score-tt.want) > 1e-12*max(1, math.Abs(tt.want)) || resp.Rows != tt.rows {
				t.Errorf("score %.17g over %d rows, want %.17g over %d", resp.Score, resp.Rows, tt.want, tt.rows)
			}
		})
	}
}

func TestMetrics_BadInputsAreTypedErrorsNamingTheRow(t *testing.T) {
	tests := []struct {
		familyCase
		want    core.ErrorType
		mention []string
	}{
		{familyCase{"a negative prediction names its id and line", "mc_rmsle",
			"id,a,b\nx,1,1\ny,1,1\n", "id,a,b\nx,1,1\ny,1,-2\n", nil},
			core.TypeSubmissionInvalid, []string{"-2", `column "b"`, `id "y"`, "submission line 3"}},
		{familyCase{"the row is named after a filter drops rows", "rmsle",
			"id,y,keep\nx,1,0\ny,1,1\n", "id,y\ny,-1\nx,-1\n", core.Params{"filter": "keep == 1"}},
			core.TypeSubmissionInvalid, []string{`id "y"`, "submission line 2"}},
		{familyCase{"a filter on a column the answers lack", "mae",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"filter": "u_out == 0"}},
			core.TypeGroundTruth, []string{`"u_out"`}},
		{familyCase{"a filter value the column cannot compare with", "mae",
			"id,y,keep\n1,1,maybe\n", "id,y\n1,1\n", core.Params{"filter": "keep == true"}},
			core.TypeGroundTruth, []string{`"keep"`, "row 1", "maybe"}},
		{familyCase{"a filter without an operator", "mae",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"filter": "u_out 0"}},
			core.TypeInvalidArgument, []string{"operator"}},
		{familyCase{"a filter nothing passes", "mae",
			"id,y,u\n1,1,1\n", "id,y\n1,1\n", core.Params{"filter": "u == 0"}},
			core.TypeEvaluation, []string{"u == 0"}},
		{familyCase{"pooled and aggregation disagree", "rmse",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"pooled": true, "aggregation": "mean_per_column"}},
			core.TypeInvalidArgument, []string{"pooled"}},
		{familyCase{"aggregation is not a param of the mean column-wise families", "mcrmse",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"aggregation": "pooled"}},
			core.TypeInvalidArgument, []string{"aggregation"}},
		{familyCase{"clip_negative and allow_negative exclude each other", "rmsle",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"clip_negative": true, "allow_negative": true}},
			core.TypeInvalidArgument, []string{"clip_negative"}},
		{familyCase{"a negative weight names its id", "weighted_mae",
			"id,y,w\na,1,1\nb,1,-1\n", "id,y\na,1\nb,1\n", core.Params{"weights_column": "w"}},
			core.TypeGroundTruth, []string{`id "b"`}},
		{familyCase{"two weight sources", "weighted_mae",
			"id,y,w\na,1,1\n", "id,y\na,1\n", core.Params{"weights_column": "w", "weights_columns": "w"}},
			core.TypeInvalidArgument, []string{"only one"}},
		{familyCase{"a weight rule on a non-boolean column", "weighted_mae",
			"id,y,h\na,1,x\n", "id,y\na,1\n", core.Params{"weight_rule": `{"column": "h", "weight_if_true": 5}`}},
			core.TypeGroundTruth, []string{`"h"`, "boolean"}},
		{familyCase{"log_mae without a group column", "log_mae",
			"id,y\n1,1\n", "id,y\n1,1\n", nil},
			core.TypeInvalidArgument, []string{"group_column"}},
		{familyCase{"an unknown ties rule", "normalized_gini",
			"id,y\n1,1\n", "id,y\n1,1\n", core.Params{"ties": "random"}},
			core.TypeInvalidArgument, []string{"random"}},
		{familyCase{"a laplace id without a week", "laplace_log_likelihood",
			"Patient_Week,FVC,Patient\nP_x,1,P\n", "Patient_Week,FVC,Confidence\nP_x,1,1\n", core.Params{"group_column": "Patient", "last_n_per_group": 3}},
			core.TypeGroundTruth, []string{`"P_x"`, "week"}},
		{familyCase{"a laplace submission without the confidence column", "laplace_log_likelihood",
			"Patient_Week,FVC\nP_1,1\n", "Patient_Week,FVC\nP_1,1\n", nil},
			core.TypeSubmissionInvalid, []string{"Confidence"}},
		{familyCase{"an infinite confidence", "laplace_log_likelihood",
			"Patient_Week,FVC\nP_1,1\n", "Patient_Week,FVC,Confidence\nP_1,1,inf\n", nil},
			core.TypeSubmissionInvalid, []string{"Confidence", "row 1"}},
		{familyCase{"kl rows must sum to 1; the key is named", "kl_divergence",
			"eeg_id,a,b\n7,1,1\n8,1,0\n", "eeg_id,a,b\n7,0.5,0.5\n8,0.5,0.6\n", nil},
			core.TypeSubmissionInvalid, []string{`eeg_id "8"`, "sum"}},
		{familyCase{"kl repeated answers ids without align_in_file_order", "kl_divergence",
			"eeg_id,a,b\n7,1,1\n7,1,0\n", "eeg_id,a,b\n7,0.5,0.5\n7,0.5,0.5\n", nil},
			core.TypeGroundTruth, []string{`eeg_id "7"`, "more than once"}},
		{familyCase{"kl a submission repeating an id more often than the answers", "kl_divergence",
			"eeg_id,a,b\n7,1,1\n7,1,0\n", "eeg_id,a,b\n7,0.5,0.5\n7,0.5,0.5\n7,0.5,0.5\n", core.Params{"duplicate_ids": "align_in_file_order"}},
			core.TypeSubmissionInvalid, []string{`eeg_id "7"`, "more often"}},
		{familyCase{"kl a non-number names the key and line", "kl_divergence",
			"eeg_id,a,b\n7,1,1\n", "eeg_id,a,b\n7,abc,0.5\n", nil},
			core.TypeSubmissionInvalid, []string{`eeg_id "7"`, "line 2", "abc"}},
		{familyCase{"haversine a missing key pair", "haversine_percentile",
			"trip,t,lat,lon\na,1,0,0\na,2,0,0\n", "trip,t,lat,lon\na,1,0,0\na,3,0,0\n", core.Params{"key_columns": "trip,t"}},
			core.TypeSubmissionInvalid, []string{`t "3"`}},
		{familyCase{"haversine an extra column", "haversine_percentile",
			"trip,t,lat,lon\na,1,0,0\n", "trip,t,lat,lon,alt\na,1,0,0,5\n", core.Params{"key_columns": "trip,t"}},
			core.TypeSubmissionInvalid, []string{"alt"}},
		{familyCase{"mean_angular_error needs two columns", "mean_angular_error",
			"id,a\n1,0\n", "id,a\n1,0\n", nil},
			core.TypeInvalidArgument, []string{"azimuth"}},
	}
	metrics := servedMetrics(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.score(t, metrics)
			e := core.AsError(err)
			if e == nil || e.Type != tt.want {
				t.Fatalf("got %v; want an error of type %s", err, tt.want)
			}
			text := e.Message + " " + e.Details
			for _, m := range tt.mention {
				if !strings.Contains(text, m) {
					t.Errorf("error %q does not mention %q", text, m)
				}
			}
		})
	}
}
