import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { chooseBackend } from "./backend";
import { App } from "./components/App";
import { createController } from "./state/controller";
import { AppContext, type AppContextValue } from "./state/hooks";
import { createAppStore } from "./state/store";
import "./styles.css";

const backend = chooseBackend();
const store = createAppStore();
const context: AppContextValue = { store, controller: createController(backend, store), backendKind: backend.kind };

const root = document.getElementById("root");
if (!root) throw new Error("#root is missing from index.html");
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={context}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
