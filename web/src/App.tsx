// Layout and routes. Pages: jobs, submit, a job (live), its report, its properties and one property,
// portfolio trends.
import { useState } from 'react';
import { Link, Route, Switch, useLocation } from 'wouter';
import { functionKey, setFunctionKey } from './api.ts';
import { JobsPage } from './pages/JobsPage.tsx';
import { SubmitPage } from './pages/SubmitPage.tsx';
import { JobPage } from './pages/JobPage.tsx';
import { ReportPage } from './pages/ReportPage.tsx';
import { PropertiesPage } from './pages/PropertiesPage.tsx';
import { PropertyPage } from './pages/PropertyPage.tsx';
import { TrendsPage } from './pages/TrendsPage.tsx';

function NavLink({ href, children }: { href: string; children: string }) {
  const [location] = useLocation();
  const current = href === '/' ? location === '/' || location.startsWith('/jobs') : location.startsWith(href);
  return (
    <Link href={href} className="nav-link" aria-current={current ? 'page' : undefined}>
      {children}
    </Link>
  );
}

/** The function key for this tab (README: Dashboard, access). */
function AccessSettings() {
  const [key, setKey] = useState(functionKey());
  const [saved, setSaved] = useState(false);
  return (
    <details className="access">
      <summary>Access{functionKey() ? ' (key set)' : ''}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          setFunctionKey(key);
          setSaved(true);
        }}
      >
        <label htmlFor="function-key">Function key</label>
        <input
          id="function-key"
          type="password"
          autoComplete="off"
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            setSaved(false);
          }}
        />
        <p className="hint">
          Needed only when the API asks for one. Kept for this browser tab only. In Azure, signing in through App
          Service Authentication replaces it.
        </p>
        <button type="submit">Save key</button>
        {saved && <span role="status"> Saved.</span>}
      </form>
    </details>
  );
}

export function App() {
  return (
    <>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true">
            PA
          </span>
          Portfolio Analytics
        </div>
        <nav aria-label="Main">
          <NavLink href="/">Jobs</NavLink>
          <NavLink href="/submit">Submit</NavLink>
          <NavLink href="/trends">Portfolio trends</NavLink>
        </nav>
        <AccessSettings />
      </header>
      <main id="main" tabIndex={-1}>
        <Switch>
          <Route path="/" component={JobsPage} />
          <Route path="/submit" component={SubmitPage} />
          <Route path="/jobs/:jobId">{(p) => <JobPage jobId={p.jobId} />}</Route>
          <Route path="/jobs/:jobId/report">{(p) => <ReportPage jobId={p.jobId} />}</Route>
          <Route path="/jobs/:jobId/properties">{(p) => <PropertiesPage jobId={p.jobId} />}</Route>
          <Route path="/jobs/:jobId/failures">{(p) => <PropertiesPage jobId={p.jobId} initialFilter="failed" />}</Route>
          <Route path="/jobs/:jobId/properties/:propertyId">
            {(p) => <PropertyPage jobId={p.jobId} propertyId={p.propertyId} />}
          </Route>
          <Route path="/trends/:portfolioId?">{(p) => <TrendsPage portfolioId={p.portfolioId} />}</Route>
          <Route>
            <h1>Not found</h1>
            <p>
              No page here. <Link href="/">Back to the jobs</Link>.
            </p>
          </Route>
        </Switch>
      </main>
    </>
  );
}
