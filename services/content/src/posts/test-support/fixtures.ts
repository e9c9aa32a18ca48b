// Source text for generation tests: a real-looking Markdown guide with headings, so the offline
// composer has sections to find. About 700 words: short of every target length on purpose.
export const fastApiGuide = `# How to Build a REST API with FastAPI

FastAPI is a modern Python web framework for building APIs with standard type hints. It is built on Starlette for the web parts and Pydantic for the data parts. Teams choose FastAPI because it is fast to write, fast to run and produces OpenAPI documentation automatically.

## What is FastAPI?

FastAPI was created by Sebastián Ramírez and first released in 2018. It uses Python type hints to validate requests, serialize responses and generate an OpenAPI schema. Every endpoint you declare appears in the interactive documentation at /docs without extra work. The framework runs on ASGI servers such as Uvicorn, which lets it handle many connections at once.

## Setting up the project

Create a virtual environment and install FastAPI together with Uvicorn. A minimal application is a single file that creates an app object and declares one route. Run the server with uvicorn main:app --reload during development so that code changes restart it. Keep configuration in environment variables rather than in the code, so the same build runs in every environment.

## Defining endpoints

An endpoint is a Python function decorated with the HTTP method and the path. Path parameters are declared in the path and as function arguments with their types. Query parameters are function arguments that are not part of the path. Request bodies are Pydantic models, and FastAPI validates them before your function runs. When validation fails, FastAPI answers 422 with a description of every invalid field.

## Async patterns

FastAPI supports async def endpoints natively. An async endpoint should await I/O such as database queries and HTTP calls instead of blocking the event loop. Blocking calls inside an async endpoint stall every other request handled by the same worker. For CPU-heavy work, use a plain def endpoint, which FastAPI runs in a thread pool, or hand the work to a background queue. Async database drivers such as asyncpg pair well with async endpoints and keep latency low under load.

## Dependency injection

Dependencies are functions that FastAPI calls before the endpoint and whose results it passes in. They are a clean way to share database sessions, authentication and pagination across endpoints. A dependency can itself depend on other dependencies, and FastAPI resolves the whole graph for each request. Dependencies with yield run cleanup code after the response is sent, which suits database sessions.

## Testing the API

FastAPI provides a TestClient built on HTTPX that calls the application without a running server. Tests can override dependencies to replace the database or the current user. Each test should create the data it needs and assert on status codes and response bodies. Running the tests in CI on every change keeps the API contract from drifting.

## Deploying to production

In production, run Uvicorn workers behind a process manager such as Gunicorn, or in containers orchestrated by Kubernetes. Put a reverse proxy in front to terminate TLS and serve static files. Monitor latency, error rates and saturation, and log every request with a correlation id. Search engine optimization matters for the documentation site too, so publish the OpenAPI reference where users can find it.
`;
