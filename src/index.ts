// The Functions app's entry point (package.json "main"): importing a module registers its functions.
// Triggers first, then the durable functions they start.
import './functions/analyze.ts';
import './functions/estimate.ts';
import './functions/jobs.ts';
import './functions/portfolios.ts';
import './functions/nightly.ts';
import './functions/openapi.ts';
import './orchestrators/portfolio-analysis.ts';
import './orchestrators/chunk-batch.ts';
import './entities/job-progress.ts';
import './activities/analyze-chunk.ts';
import './activities/aggregate-report.ts';
