/** The page's entry: one ChoirClient for this origin's API, its session kept in localStorage. */
import { ChoirClient, webSessionStorage } from 'choir/client';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import './styles.css';

const url = `${location.origin}/graphql`;
const client = new ChoirClient({ url, sessionStorage: webSessionStorage(localStorage) });
// For browser tests and the console: the page's client and its stores.
(window as unknown as { choir: ChoirClient }).choir = client;
const root = document.getElementById('root');
if (root) createRoot(root).render(<App client={client} />);
