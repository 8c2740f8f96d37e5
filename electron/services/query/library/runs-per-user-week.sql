-- title: Runs per user per week
-- description: How many runs each user started each week (weeks start on Monday, UTC) over the last :weeks weeks, with how many failed and in how many experiments. The user is the mlflow.user tag the UI shows, else runs.user_id.
-- param: weeks = 12 | How many weeks back to count
SELECT date_trunc('week', to_timestamp(r.start_time / 1000.0))::date AS week,
       coalesce(u.value, r.user_id)                                  AS user_name,
       count(*)                                                      AS runs,
       count(*) FILTER (WHERE r.status = 'FAILED')                   AS failed,
       count(DISTINCT r.experiment_id)                               AS experiments
  FROM runs r
  LEFT JOIN tags u ON u.run_uuid = r.run_uuid AND u.key = 'mlflow.user'
 WHERE r.start_time >= extract(epoch FROM now() - make_interval(weeks => :weeks::int)) * 1000
 GROUP BY 1, 2
 ORDER BY week DESC, runs DESC, user_name
