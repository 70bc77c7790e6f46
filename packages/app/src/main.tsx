import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { loadConfig } from "./config";
import "./style.css";

const root = createRoot(document.getElementById("root") as HTMLElement);
loadConfig().then(
  (config) =>
    root.render(
      <StrictMode>
        <App config={config} />
      </StrictMode>,
    ),
  (e: unknown) =>
    root.render(
      <p className="error" data-testid="config-error">
        Could not load /config.json: {e instanceof Error ? e.message : String(e)}. Start the dashboard with `npm run
        app`.
      </p>,
    ),
);
