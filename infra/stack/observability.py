"""Alarms that page (through the alerts topic) and one dashboard for the whole loop.

What must never go unnoticed: a message given up on (dead-letter queues, the stream's
on-failure queue), a function failing or being throttled, the stream falling behind, the
sweep stalling (not running, or its watermark hours behind), a due item parked after it kept
failing, SES reputation (AWS pauses
sending at high bounce/complaint rates) and SMS spend nearing its cap.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import Duration, aws_cloudwatch, aws_cloudwatch_actions, aws_logs, aws_sns, aws_sqs
from constructs import Construct

from infra.stack.roles import FUNCTIONS
from infra.stack.settings import StageSettings

PERIOD = Duration.minutes(5)
#: The stream function's records older than this mean it is falling behind (milliseconds).
ITERATOR_AGE_ALARM_MS = 5 * 60 * 1000
#: The sweep reads hour buckets from its watermark to now: 1-2 normally, 3+ = hours behind.
SWEEP_BUCKETS_ALARM = 3
#: AWS reviews accounts above 5 % bounces / 0.1 % complaints and pauses them at 10 % / 0.5 %.
SES_BOUNCE_RATE_ALARM = 0.05
SES_COMPLAINT_RATE_ALARM = 0.001
SMS_SPEND_ALARM_SHARE = 0.8


@dataclass(frozen=True)
class Watched:
    """What the alarms look at, by reference."""

    function_names: dict[str, str]  # Chalice function name -> deployed name (a reference)
    sweep_log_group: aws_logs.ILogGroup
    api_name: str
    api_stage: str
    dead_letter_queues: dict[str, aws_sqs.IQueue]
    queues: dict[str, aws_sqs.IQueue]


class Observability(Construct):
    """`alarms` (id -> alarm) and `dashboard`."""

    def __init__(self, scope: Construct, construct_id: str, *, settings: StageSettings,
                 alerts: aws_sns.ITopic, watched: Watched) -> None:
        super().__init__(scope, construct_id)
        self._action = aws_cloudwatch_actions.SnsAction(alerts)
        self._namespace = f"TalentLoop/{settings.stage}"
        self.alarms: dict[str, aws_cloudwatch.Alarm] = {}
        w = watched

        for name, queue in w.dead_letter_queues.items():
            self._alarm(f"{name}NotEmpty", queue.metric_approximate_number_of_messages_visible(
                period=PERIOD, statistic="Maximum"), 1,
                f"{name}: messages were given up on; inspect and redrive them (DEPLOY.md)")

        for spec in FUNCTIONS:
            fn = w.function_names[spec.name]
            self._alarm(f"{_pascal(spec.name)}Errors", _lambda_metric("Errors", fn), 1,
                        f"{spec.name} raised errors")
            self._alarm(f"{_pascal(spec.name)}Throttles", _lambda_metric("Throttles", fn), 1,
                        f"{spec.name} was throttled (account concurrency exhausted?)")

        self._alarm("StreamIteratorAge", _lambda_metric(
            "IteratorAge", w.function_names["stream"], statistic="Maximum"),
            ITERATOR_AGE_ALARM_MS, "the stream function is falling behind the table's stream")

        sweep_buckets = aws_logs.MetricFilter(
            self, "SweepBucketsFilter",
            log_group=w.sweep_log_group,
            filter_pattern=aws_logs.FilterPattern.string_value("$.message", "=",
                                                               "sweep finished"),
            metric_namespace=self._namespace,
            metric_name="SweepBucketsRead",
            metric_value="$.buckets",
        ).metric(period=PERIOD, statistic="Maximum")
        self._alarm("SweepBehind", sweep_buckets, SWEEP_BUCKETS_ALARM,
                    "the sweep's watermark is hours behind now: deadlines are late",
                    periods=3)
        # a due item the sweep failed on MAX_SWEEP_ATTEMPTS times is parked (services/sweep.py):
        # its deadline or message waits for an operator (`SweepService.parked()`)
        sweep_parked = self._sweep_metric(w, "SweepParked", "SweepItemsParked", "$.parked")
        self._alarm("SweepItemParked", sweep_parked, 1,
                    "the sweep parked a due item that kept failing: list the PARKED partition "
                    "of the due index, fix the cause, requeue (DEPLOY.md)")
        sweep_failed = self._sweep_metric(w, "SweepFailed", "SweepItemsFailed", "$.failed")
        sweep_runs = _lambda_metric("Invocations", w.function_names["sweep"])
        self._alarm("SweepNotRunning", sweep_runs, 1,
                    "the sweep was not invoked for 5 minutes: no deadline is being handled",
                    comparison=aws_cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
                    missing=aws_cloudwatch.TreatMissingData.BREACHING)

        def api_metric(name: str) -> aws_cloudwatch.Metric:
            return aws_cloudwatch.Metric(
                namespace="AWS/ApiGateway", metric_name=name, period=PERIOD, statistic="Sum",
                dimensions_map={"ApiName": w.api_name, "Stage": w.api_stage})

        api_5xx = api_metric("5XXError")
        self._alarm("Api5xx", api_5xx, 5, "the API answers 5xx")

        bounce = _account_metric("AWS/SES", "Reputation.BounceRate")
        complaint = _account_metric("AWS/SES", "Reputation.ComplaintRate")
        self._alarm("SesBounceRate", bounce, SES_BOUNCE_RATE_ALARM,
                    "SES bounce rate near the review threshold: check the address import")
        self._alarm("SesComplaintRate", complaint, SES_COMPLAINT_RATE_ALARM,
                    "SES complaint rate near the review threshold")
        sms_spend = _account_metric("AWS/SNS", "SMSMonthToDateSpentUSD")
        self._alarm("SmsSpend", sms_spend,
                    SMS_SPEND_ALARM_SHARE * settings.sms_monthly_spend_limit_usd,
                    "SMS spend this month is near the account's spend limit")

        self.dashboard = aws_cloudwatch.Dashboard(
            self, "Dashboard", dashboard_name=f"talentloop-{settings.stage}")
        names = w.function_names
        self.dashboard.add_widgets(
            _graph("API requests and errors", [
                api_metric("Count"), api_metric("4XXError"), api_5xx]),
            _graph("Function errors", [_lambda_metric("Errors", n) for n in names.values()]),
            _graph("Function duration (p95)", [
                _lambda_metric("Duration", n, statistic="p95") for n in names.values()]),
        )
        self.dashboard.add_widgets(
            _graph("Stream iterator age (ms)", [_lambda_metric(
                "IteratorAge", names["stream"], statistic="Maximum")]),
            _graph("Sweep buckets read (watermark lag)", [sweep_buckets]),
            _graph("Sweep items failed (retried) and parked", [sweep_failed, sweep_parked]),
            _graph("Queue depth", [
                q.metric_approximate_number_of_messages_visible(period=PERIOD)
                for q in (*w.queues.values(), *w.dead_letter_queues.values())]),
        )
        self.dashboard.add_widgets(
            _graph("SES reputation", [bounce, complaint]),
            _graph("SMS spend this month (USD)", [sms_spend]),
            _graph("Outbox age of oldest message (s)", [
                w.queues["Outbox"].metric_approximate_age_of_oldest_message(period=PERIOD)]),
        )

    def _sweep_metric(self, w: Watched, filter_id: str, name: str,
                      value: str) -> aws_cloudwatch.IMetric:
        """A count from the sweep's "sweep finished" report line."""
        return aws_logs.MetricFilter(
            self, f"{filter_id}Filter",
            log_group=w.sweep_log_group,
            filter_pattern=aws_logs.FilterPattern.string_value("$.message", "=",
                                                               "sweep finished"),
            metric_namespace=self._namespace,
            metric_name=name,
            metric_value=value,
        ).metric(period=PERIOD, statistic="Sum")

    def _alarm(self, alarm_id: str, metric: aws_cloudwatch.IMetric, threshold: float,
               description: str, *, periods: int = 1,
               comparison: aws_cloudwatch.ComparisonOperator =
               aws_cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
               missing: aws_cloudwatch.TreatMissingData =
               aws_cloudwatch.TreatMissingData.NOT_BREACHING) -> None:
        alarm = aws_cloudwatch.Alarm(
            self, alarm_id, metric=metric, threshold=threshold, evaluation_periods=periods,
            comparison_operator=comparison, treat_missing_data=missing,
            alarm_description=description)
        alarm.add_alarm_action(self._action)
        alarm.add_ok_action(self._action)
        self.alarms[alarm_id] = alarm


def _lambda_metric(name: str, function_name: str, *,
                   statistic: str = "Sum") -> aws_cloudwatch.Metric:
    return aws_cloudwatch.Metric(namespace="AWS/Lambda", metric_name=name, period=PERIOD,
                                 statistic=statistic,
                                 dimensions_map={"FunctionName": function_name})


def _account_metric(namespace: str, name: str) -> aws_cloudwatch.Metric:
    return aws_cloudwatch.Metric(namespace=namespace, metric_name=name, period=PERIOD,
                                 statistic="Maximum")


def _graph(title: str, metrics: list[aws_cloudwatch.IMetric]) -> aws_cloudwatch.GraphWidget:
    return aws_cloudwatch.GraphWidget(title=title, left=metrics, width=8)


def _pascal(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))
