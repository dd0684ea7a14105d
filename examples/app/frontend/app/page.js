import Hello from './hello';

export default function Page() {
  return (
    <main>
      <h1>kumo.platform sample app</h1>
      <p>The message below comes from the backend, fetched by the browser at /api/hello.</p>
      <Hello />
    </main>
  );
}
