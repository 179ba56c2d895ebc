import { initAll } from './nhsuk/nhsuk-frontend.min.js'

initAll()

// Bulk changes on the plan page: a button that ticks (or clears) every action on this page.
// Without JavaScript each box is ticked on its own; the form works the same.
for (const form of document.querySelectorAll('.app-bulk-form')) {
  const boxes = [...form.querySelectorAll('input[name="selected"]')]
  if (!boxes.length) continue
  const button = document.createElement('button')
  button.type = 'button'
  button.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small app-bulk-select-page'
  const label = () => { button.textContent = boxes.every((box) => box.checked) ? 'Clear the actions on this page' : `Select the ${boxes.length} actions on this page` }
  button.addEventListener('click', () => {
    const tick = !boxes.every((box) => box.checked)
    for (const box of boxes) box.checked = tick
    label()
  })
  for (const box of boxes) box.addEventListener('change', label)
  label()
  form.insertBefore(button, form.querySelector('h2, table'))
}
