import { Link } from '../router';

export function Landing() {
  return (
    <section className="landing">
      <div className="hero">
        <h1>Your health record, in your hands</h1>
        <p className="lead">
          Vitalis keeps your vitals and lab results in one place, charts how they change, estimates your risk of
          diabetes, heart disease and stroke with an explanation of why, and lets you decide which doctors may read or
          add to your record.
        </p>
        <p className="actions">
          <Link to="/signup" className="button primary">
            Create an account
          </Link>
          <Link to="/signin" className="button">
            Sign in
          </Link>
        </p>
      </div>
      <ul className="cards features">
        <li className="card">
          <h2>Record and chart</h2>
          <p>Blood pressure, weight, glucose, cholesterol and more, in the units you use, flagged when out of range.</p>
        </li>
        <li className="card">
          <h2>Explained risk estimates</h2>
          <p>Models trained on public research data show which of your numbers raised or lowered the estimate.</p>
        </li>
        <li className="card">
          <h2>You control access</h2>
          <p>See who read your record and when. Doctors need your code before they can add to it.</p>
        </li>
        <li className="card">
          <h2>For doctors</h2>
          <p>Sign up with your licence; once approved, see the patients who link you and record with their consent.</p>
        </li>
      </ul>
    </section>
  );
}
